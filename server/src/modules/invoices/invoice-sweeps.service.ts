import { OrderStatus } from '@app/shared'
import { clearInvoicePending, lockOrderById, ordersAwaitingInvoice } from '../orders/orders.repository.ts'
import { refundedOrdersWithIssuedInvoice } from './invoice-orders.read-model.ts'
import { findInvoiceByOrder } from './invoices.repository.ts'
import { createInvoice, reverseForRefund } from './invoices.service.ts'
import type { InvoiceDeps } from './invoices.types.ts'

/**
 * Catch-up passes of the invoice job. They make invoicing independent of the payment code's
 * timing: 「立即申请」 orders get their invoice once paid, and a refunded order's issued invoice is
 * red-lettered even when it was issued after the refund arrived.
 */

const SWEEP_LIMIT = 50

/**
 * Paid orders whose buyer chose 「立即申请」 at the order and that have no invoice yet (INV-2): the
 * orders marked `invoice_pending` when paid. Each is settled in its own transaction — invoiced if
 * it still qualifies — and its mark cleared; one that fails keeps its mark and is tried again next
 * round without holding up the others.
 */
export async function sweepPaidNowOrders(deps: InvoiceDeps): Promise<number> {
  const candidates = await ordersAwaitingInvoice(deps.db, SWEEP_LIMIT)
  let created = 0
  for (const id of candidates) {
    try {
      const made = await deps.db.transaction(async (tx) => {
        const order = await lockOrderById(tx, id)
        if (!order) return false
        await clearInvoicePending(tx, id)
        if (order.invoice.choice !== 'now' || order.status !== OrderStatus.PAID || order.refundedFen > 0) return false
        if (await findInvoiceByOrder(tx, id)) return false
        // The details were checked when the order was made; the application dates from then, so the
        // year rule does not apply to it.
        const { titleType, title, taxpayerId, email } = order.invoice
        await createInvoice(tx, deps, order, { titleType, title, taxpayerId: taxpayerId ?? null, email }, deps.now())
        return true
      })
      if (made) created++
    } catch (error) {
      deps.log.warn({ orderId: id, err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'invoice for a paid order failed; will retry')
    }
  }
  return created
}

/** Issued invoices of refunded orders: red-letter them (INV-3). */
export async function sweepRefundedInvoices(deps: InvoiceDeps): Promise<number> {
  const candidates = await refundedOrdersWithIssuedInvoice(deps.db, SWEEP_LIMIT)
  let started = 0
  for (const orderId of candidates) if (await reverseForRefund(deps, orderId)) started++
  return started
}
