import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { formatFen } from '@app/shared'
import { invoices } from '../../db/schema.ts'
import { documentFile } from './invoice-files.ts'
import { currentBlueDocument, type InvoiceRow } from './invoices.repository.ts'
import type { InvoiceDeps } from './invoices.types.ts'

/**
 * E-mails each issued invoice's PDF once to the address on it. The number is marked as e-mailed
 * before sending (so two instances never both send it) and unmarked if sending fails, so a later
 * round tries again.
 */
export async function deliverPendingEmails(deps: InvoiceDeps): Promise<number> {
  const due = await deps.db
    .select()
    .from(invoices)
    .where(and(eq(invoices.state, 'issued'), isNotNull(invoices.number), sql`${invoices.emailedNumber} is distinct from ${invoices.number}`))
    .limit(20)
  let sent = 0
  for (const invoice of due) if (await deliver(deps, invoice)) sent++
  return sent
}

async function deliver(deps: InvoiceDeps, invoice: InvoiceRow): Promise<boolean> {
  const [claimed] = await deps.db
    .update(invoices)
    .set({ emailedNumber: invoice.number })
    .where(and(eq(invoices.id, invoice.id), sql`${invoices.emailedNumber} is not distinct from ${invoice.emailedNumber}`))
    .returning({ id: invoices.id })
  if (!claimed) return false
  try {
    const doc = await currentBlueDocument(deps.db, invoice.id)
    if (!doc?.number) throw new Error('no issued document')
    const pdf = await documentFile(deps, doc)
    await deps.mail.send({
      to: invoice.email,
      subject: `电子发票 ${doc.number}（${deps.settings.seller.name}）`,
      text: [
        `您好，您申请的电子发票已开具。`,
        `发票号码：${doc.number}`,
        `发票抬头：${invoice.title}`,
        `项目：${invoice.itemName}，价税合计：¥${formatFen(invoice.amountFen)}`,
        `电子发票 PDF 见附件，也可在「我的」→「我的发票」中查看、下载或打印。`,
      ].join('\n'),
      attachments: [{ filename: `invoice-${doc.number}.pdf`, contentType: 'application/pdf', content: pdf }],
    })
    return true
  } catch (error) {
    deps.log.warn({ invoiceId: invoice.id, err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'invoice e-mail failed; will retry')
    await deps.db.update(invoices).set({ emailedNumber: invoice.emailedNumber }).where(eq(invoices.id, invoice.id))
    return false
  }
}
