import { and, desc, eq, gt, inArray, isNotNull } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { projects } from '../../db/schema/catalogue.ts'
import { invoices } from '../../db/schema/invoices.ts'
import { orders } from '../../db/schema/orders.ts'

/**
 * The second documented exception to table ownership (docs/architecture.md, "Table owners"):
 * invoicing's lists are orders joined with their invoices — 我的发票 (with the project's title)
 * and the job's refund sweep, which looks for refunded orders WITH an issued invoice (driven by the
 * few refunded orders). They only read; single orders are read and locked through orders' own
 * functions.
 */

/** The buyer's paid orders (paid once, refunded later included) with their invoices, newest first. */
export async function listInvoiceOrders(db: AppDb, buyerUserId: number) {
  return db
    .select({ order: orders, projectTitle: projects.title, invoice: invoices })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .leftJoin(invoices, eq(invoices.orderId, orders.id))
    .where(and(eq(orders.buyerUserId, buyerUserId), isNotNull(orders.paidAt), inArray(orders.status, ['paid', 'refunding', 'refunded'])))
    .orderBy(desc(orders.paidAt), desc(orders.id))
    .limit(100)
}

/** Orders refunded whose invoice is issued (to be red-lettered, INV-3), with an id above `afterId`, in id order. */
export async function refundedOrdersWithIssuedInvoice(db: AppDb, limit: number, afterId = 0): Promise<number[]> {
  const rows = await db
    .select({ orderId: invoices.orderId })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .where(and(eq(invoices.state, 'issued'), eq(orders.status, OrderStatus.REFUNDED), gt(orders.id, afterId)))
    // By orders' id, so the plan still starts from the few refunded orders (orders' status index).
    .orderBy(orders.id)
    .limit(limit)
  return rows.map((r) => r.orderId)
}
