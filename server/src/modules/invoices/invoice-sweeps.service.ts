import { and, eq, isNull, sql } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import { invoices, orders } from '../../db/schema.ts'
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
  const candidates = await deps.db
    .select({ id: orders.id })
    .from(orders)
    .leftJoin(invoices, eq(invoices.orderId, orders.id))
    .where(and(eq(orders.status, OrderStatus.PAID), eq(orders.refundedFen, 0), sql`${orders.invoice}->>'choice' = 'now'`, isNull(invoices.id)))
    .limit(SWEEP_LIMIT)
  let created = 0
  for (const { id } of candidates) {
    const made = await deps.db.transaction(async (tx) => {
      const [order] = await tx.select().from(orders).where(eq(orders.id, id)).for('update')
      if (!order || order.invoice.choice !== 'now' || order.status !== OrderStatus.PAID) return false
      const [existing] = await tx.select({ id: invoices.id }).from(invoices).where(eq(invoices.orderId, id))
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
  const candidates = await deps.db
    .select({ orderId: invoices.orderId })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .where(and(eq(invoices.state, 'issued'), eq(orders.status, OrderStatus.REFUNDED)))
    .limit(SWEEP_LIMIT)
  let started = 0
  for (const { orderId } of candidates) if (await reverseForRefund(deps, orderId)) started++
  return started
}
