import { OrderStatus } from '@app/shared'
import { lockOrderById } from '../orders/orders.repository.ts'
import { paidNowOrdersWithoutInvoice, refundedOrdersWithIssuedInvoice } from './invoice-orders.read-model.ts'
import { findInvoiceByOrder } from './invoices.repository.ts'
import { createInvoice, reverseForRefund } from './invoices.service.ts'
import type { InvoiceDeps } from './invoices.types.ts'

/**
 * Catch-up passes of the invoice job. They make invoicing independent of the payment code's
 * timing: 「立即申请」 orders get their invoice once paid, and a refunded order's issued invoice is
 * red-lettered even when it was issued after the refund arrived.
 */

const SWEEP_LIMIT = 50

/** Paid orders whose buyer chose 「立即申请」 at the order and that have no invoice yet (INV-2). */
export async function sweepPaidNowOrders(deps: InvoiceDeps): Promise<number> {
  const candidates = await paidNowOrdersWithoutInvoice(deps.db, SWEEP_LIMIT)
  let created = 0
  for (const id of candidates) {
    const made = await deps.db.transaction(async (tx) => {
      const order = await lockOrderById(tx, id)
      if (!order || order.invoice.choice !== 'now' || order.status !== OrderStatus.PAID) return false
      const existing = await findInvoiceByOrder(tx, id)
      if (existing) return false
      // The details were checked when the order was made; the application dates from then, so the
      // year rule does not apply to it.
      const { titleType, title, taxpayerId, email } = order.invoice
      await createInvoice(tx, deps, order, { titleType, title, taxpayerId: taxpayerId ?? null, email }, deps.now())
      return true
    })
    if (made) created++
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
