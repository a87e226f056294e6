import { emailProblem, formatFen, INVOICE_EMAIL_INTERVAL_SECONDS, INVOICE_EMAILS_PER_DAY, shanghaiDayNumber } from '@app/shared'
import type { MailMessage } from '../../integrations/mail/provider.ts'
import { documentFile } from './invoice-files.service.ts'
import { InvoiceDetailsInvalidError, InvoiceEmailLimitedError, InvoiceFileUnavailableError, InvoiceNotAllowedError, InvoiceNotFoundError } from './invoices.errors.ts'
import { claimEmail, currentBlueDocument, findOwnInvoice, invoicesDueByEmail, lockInvoice, recordManualEmail, releaseEmail, type InvoiceDocumentRow, type InvoiceRow } from './invoices.repository.ts'
import type { InvoiceDeps } from './invoices.types.ts'

function invoiceMessage(deps: Pick<InvoiceDeps, 'settings'>, to: string, invoice: InvoiceRow, doc: InvoiceDocumentRow & { number: string }, pdf: Uint8Array): MailMessage {
  return {
    to,
    subject: `电子发票 ${doc.number}（${deps.settings.seller.name}）`,
    text: [
      `您好，您申请的电子发票已开具。`,
      `发票号码：${doc.number}`,
      `发票抬头：${invoice.title}`,
      `项目：${invoice.itemName}，价税合计：¥${formatFen(invoice.amountFen)}`,
      `电子发票 PDF 见附件，也可在「我的」→「我的发票」中查看、下载或打印。`,
    ].join('\n'),
    attachments: [{ filename: `invoice-${doc.number}.pdf`, contentType: 'application/pdf', content: pdf }],
  }
}

/**
 * 「发送到邮箱」 in 查看发票: the PDF in force, to the address given (the invoice's own by default).
 * Counted under the invoice's row lock before sending, so parallel taps cannot exceed the limits:
 * a minute apart, INVOICE_EMAILS_PER_DAY a Shanghai day. Answers the address and the number.
 */
export async function emailInvoiceOnRequest(deps: InvoiceDeps, userId: number, invoiceId: number, address: string | undefined) {
  const own = await findOwnInvoice(deps.db, userId, invoiceId)
  if (!own) throw new InvoiceNotFoundError()
  const to = (address ?? own.email).trim()
  const problem = emailProblem(to)
  if (problem) throw new InvoiceDetailsInvalidError(problem)
  const now = deps.now()
  const invoice = await deps.db.transaction(async (tx) => {
    const locked = await lockInvoice(tx, own.id)
    if (!locked || !locked.number || (locked.state !== 'issued' && locked.state !== 'reversing')) throw new InvoiceNotAllowedError('发票开具后才能发送到邮箱')
    const last = locked.manualEmailAt
    if (last && now.getTime() - last.getTime() < INVOICE_EMAIL_INTERVAL_SECONDS * 1000) throw new InvoiceEmailLimitedError('刚刚已发送过，请1分钟后再试')
    const sameDay = last !== null && shanghaiDayNumber(last) === shanghaiDayNumber(now)
    const count = sameDay ? locked.manualEmailCount : 0
    if (count >= INVOICE_EMAILS_PER_DAY) throw new InvoiceEmailLimitedError(`该发票今天已发送${INVOICE_EMAILS_PER_DAY}次，请明天再试`)
    await recordManualEmail(tx, locked.id, count + 1, now)
    return locked
  })
  const doc = await currentBlueDocument(deps.db, invoice.id)
  if (!doc?.number) throw new InvoiceNotAllowedError('发票开具后才能发送到邮箱')
  try {
    const pdf = await documentFile(deps, doc)
    await deps.mail.send(invoiceMessage(deps, to, invoice, { ...doc, number: doc.number }, pdf))
  } catch (error) {
    deps.log.warn({ invoiceId: invoice.id, err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'invoice e-mail on request failed')
    throw new InvoiceFileUnavailableError()
  }
  return { to, number: doc.number }
}

/**
 * E-mails each issued invoice's PDF once to the address on it. The number is marked as e-mailed
 * before sending (so two instances never both send it) and unmarked if sending fails, so a later
 * round tries again.
 */
export async function deliverPendingEmails(deps: InvoiceDeps): Promise<number> {
  const due = await invoicesDueByEmail(deps.db, 20)
  let sent = 0
  for (const invoice of due) if (await deliver(deps, invoice)) sent++
  return sent
}

async function deliver(deps: InvoiceDeps, invoice: InvoiceRow): Promise<boolean> {
  if (!(await claimEmail(deps.db, invoice))) return false
  try {
    const doc = await currentBlueDocument(deps.db, invoice.id)
    if (!doc?.number) throw new Error('no issued document')
    const pdf = await documentFile(deps, doc)
    await deps.mail.send(invoiceMessage(deps, invoice.email, invoice, { ...doc, number: doc.number }, pdf))
    return true
  } catch (error) {
    deps.log.warn({ invoiceId: invoice.id, err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'invoice e-mail failed; will retry')
    await releaseEmail(deps.db, invoice)
    return false
  }
}
