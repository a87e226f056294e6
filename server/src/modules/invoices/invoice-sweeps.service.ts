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
 * Where a sweep goes on from next round. Each round takes the next orders after the last one it
 * looked at and starts again from the lowest when it reaches the end, so orders that keep failing
 * (a provider refusal, details an older version stored) cannot take every place of every round
 * and hold up the orders behind them.
 */
export interface SweepCursor {
  afterId: number
}

export const sweepCursor = (): SweepCursor => ({ afterId: 0 })

/** The next round's order ids: those after the cursor, then from the lowest again; moves the cursor. */
async function nextRound(cursor: SweepCursor, limit: number, after: (afterId: number, limit: number) => Promise<number[]>): Promise<number[]> {
  const ahead = await after(cursor.afterId, limit)
  const wrapped = ahead.length < limit && cursor.afterId > 0 ? (await after(0, limit - ahead.length)).filter((id) => id <= cursor.afterId) : []
  const ids = [...ahead, ...wrapped]
  cursor.afterId = ids.at(-1) ?? 0
  return ids
}

/**
 * Paid orders whose buyer chose 「立即申请」 at the order and that have no invoice yet (INV-2): the
 * orders marked `invoice_pending` when paid. Each is settled in its own transaction — invoiced if
 * it still qualifies — and its mark cleared; one that fails keeps its mark and is tried again next
 * round without holding up the others.
 */
export async function sweepPaidNowOrders(deps: InvoiceDeps, cursor = sweepCursor(), limit = SWEEP_LIMIT): Promise<number> {
  const candidates = await nextRound(cursor, limit, (afterId, n) => ordersAwaitingInvoice(deps.db, n, afterId))
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

/**
 * Issued invoices of refunded orders: red-letter them (INV-3). One that fails is logged and tried
 * again in a later round; it does not end this round (the job's documents and e-mails come after).
 */
export async function sweepRefundedInvoices(deps: InvoiceDeps, cursor = sweepCursor(), limit = SWEEP_LIMIT): Promise<number> {
  const candidates = await nextRound(cursor, limit, (afterId, n) => refundedOrdersWithIssuedInvoice(deps.db, n, afterId))
  let started = 0
  for (const orderId of candidates) {
    try {
      if (await reverseForRefund(deps, orderId)) started++
    } catch (error) {
      deps.log.warn({ orderId, err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'red-letter for a refunded order failed; will retry')
    }
  }
  return started
}
