import { modifyRefusal, type Invoice, type InvoiceOrder } from '@app/shared'
import { findOrderById } from '../orders/orders.read-model.ts'
import { listInvoiceOrders } from './invoice-orders.read-model.ts'
import { signedInvoiceUrl } from './invoice-links.rules.ts'
import { InvoiceNotFoundError } from './invoices.errors.ts'
import { orderApplyRefusal } from './invoices.service.ts'
import { currentBlueDocument, findOwnInvoice, type InvoiceRow } from './invoices.repository.ts'
import type { InvoiceDeps } from './invoices.types.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** The invoice as the learner sees it, with a fresh signed link to the PDF in force. */
export async function invoiceView(deps: Pick<InvoiceDeps, 'db' | 'fileLinkKey' | 'now'>, row: InvoiceRow, orderRefunded: boolean): Promise<Invoice> {
  const now = deps.now()
  const blue = row.number ? await currentBlueDocument(deps.db, row.id) : undefined
  const refusal =
    row.state !== 'issued' || !row.issuedAt
      ? '只有已开具的发票可以修改'
      : orderRefunded
        ? '订单已退款，发票不能修改'
        : modifyRefusal(row.issuedAt, row.modifications, now)
  return {
    id: row.id,
    orderId: row.orderId,
    state: row.state,
    failReason: row.failReason,
    titleType: row.titleType,
    title: row.title,
    taxpayerId: row.taxpayerId,
    email: row.email,
    itemName: row.itemName,
    amountFen: row.amountFen,
    taxFen: row.taxFen,
    number: row.number,
    issuedAt: iso(row.issuedAt),
    originalNumber: row.originalNumber,
    redNumber: row.redNumber,
    modifications: row.modifications,
    modifyRefusal: refusal,
    pdfUrl: blue ? signedInvoiceUrl(deps.fileLinkKey, blue.id, now) : null,
    createdAt: row.createdAt.toISOString(),
  }
}

/** 我的发票: every paid order of the buyer with its invoice and whether 「申请开票」 is possible. */
export async function invoiceOrders(deps: Pick<InvoiceDeps, 'db' | 'fileLinkKey' | 'now'>, userId: number): Promise<InvoiceOrder[]> {
  const rows = await listInvoiceOrders(deps.db, userId)
  const now = deps.now()
  return Promise.all(
    rows.map(async ({ order, projectTitle, invoice }) => {
      const refunded = order.status !== 'paid' || order.refundedFen > 0
      const applyRefusal = invoice && invoice.state !== 'failed' ? '该订单已申请发票' : orderApplyRefusal(order, now)
      return {
        orderId: order.id,
        outTradeNo: order.outTradeNo,
        kind: order.kind,
        projectTitle,
        quantity: order.quantity,
        amountFen: order.payerTotalFen ?? order.amountFen,
        paidAt: (order.paidAt as Date).toISOString(),
        refunded,
        invoice: invoice ? await invoiceView(deps, invoice, refunded) : null,
        applyRefusal,
      }
    }),
  )
}

/** One of the buyer's invoices as they see it (another buyer's answers like a missing one). */
export async function ownInvoiceView(deps: Pick<InvoiceDeps, 'db' | 'fileLinkKey' | 'now'>, userId: number, invoiceId: number): Promise<Invoice> {
  const row = await findOwnInvoice(deps.db, userId, invoiceId)
  if (!row) throw new InvoiceNotFoundError()
  const order = await findOrderById(deps.db, row.orderId)
  return invoiceView(deps, row, !order || order.status !== 'paid' || order.refundedFen > 0)
}
