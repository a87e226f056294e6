import { and, asc, count, eq, isNull } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { groupOrderTransfers } from '../../db/schema/group-orders.ts'
import { orders } from '../../db/schema/orders.ts'
import type { OrderRow } from '../orders/orders.read-model.ts'

/**
 * What other features may read of group orders' tables (docs/architecture.md, "Table owners"). The
 * 对公转账 queue joins the transfer rows onto their orders in one statement (a documented cross-owner
 * read model, eslint.config.js): paging a queue filtered on both tables cannot be done in two.
 */

/** Pending group orders whose transfer has not been confirmed, oldest first, a page and the total. */
export async function awaitingTransfers(db: AppDb, page: { page: number; pageSize: number }): Promise<{ rows: { order: OrderRow; reference: string }[]; total: number }> {
  const where = and(isNull(groupOrderTransfers.confirmedAt), eq(orders.status, OrderStatus.PENDING))
  const rows = await db
    .select({ order: orders, reference: groupOrderTransfers.reference })
    .from(groupOrderTransfers)
    .innerJoin(orders, eq(orders.id, groupOrderTransfers.orderId))
    .where(where)
    .orderBy(asc(orders.createdAt), asc(orders.id))
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
  const [counted] = await db.select({ n: count() }).from(groupOrderTransfers).innerJoin(orders, eq(orders.id, groupOrderTransfers.orderId)).where(where)
  return { rows, total: counted?.n ?? 0 }
}

/** The order a 转账附言 (TT…) belongs to. */
export async function orderIdOfReference(db: AppDb, reference: string): Promise<number | undefined> {
  const [row] = await db.select({ orderId: groupOrderTransfers.orderId }).from(groupOrderTransfers).where(eq(groupOrderTransfers.reference, reference))
  return row?.orderId
}

export { transfersOf, type TransferRow } from './group-orders.repository.ts'
