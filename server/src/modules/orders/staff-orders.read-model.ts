import { and, count, desc, eq, exists, gte, lt, or, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { orderItems, orders } from '../../db/schema/orders.ts'
import type { OrderRow } from './orders.repository.ts'

/**
 * Orders as the staff console searches them (订单与退款, 团购订单; docs/staff.md): every buyer's,
 * newest first, a page at a time with the total.
 */

export interface StaffOrderFilter {
  outTradeNo?: string
  /** Orders this account bought, and 团体 orders that list it. */
  userId?: number
  kind?: 'individual' | 'group'
  status?: OrderStatus
  /** Created at or after / before (the caller turns Beijing dates into instants). */
  from?: Date
  before?: Date
  /** A condition on the buyer (the 单位 filter, built by the caller from tables orders does not own). */
  buyer?: (buyerUserId: AnyPgColumn) => SQL
  /** Only these orders (a transfer reference already looked up). */
  orderId?: number
}

function conditions(db: AppDb, f: StaffOrderFilter): SQL | undefined {
  const listed = (userId: number) =>
    exists(
      db
        .select({ one: orderItems.id })
        .from(orderItems)
        .where(and(eq(orderItems.orderId, orders.id), eq(orderItems.learnerUserId, userId))),
    )
  return and(
    f.outTradeNo === undefined ? undefined : eq(orders.outTradeNo, f.outTradeNo),
    f.orderId === undefined ? undefined : eq(orders.id, f.orderId),
    f.userId === undefined ? undefined : or(eq(orders.buyerUserId, f.userId), and(eq(orders.kind, 'group'), listed(f.userId))),
    f.kind === undefined ? undefined : eq(orders.kind, f.kind),
    f.status === undefined ? undefined : eq(orders.status, f.status),
    f.from === undefined ? undefined : gte(orders.createdAt, f.from),
    f.before === undefined ? undefined : lt(orders.createdAt, f.before),
    f.buyer?.(orders.buyerUserId),
  )
}

/** A page of orders matching the filter, newest first, and how many match. */
export async function searchOrdersForStaff(db: AppDb, filter: StaffOrderFilter, page: { page: number; pageSize: number }): Promise<{ rows: OrderRow[]; total: number }> {
  const where = conditions(db, filter)
  const rows = await db
    .select()
    .from(orders)
    .where(where)
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
  const total = rows.length < page.pageSize && page.page === 1 ? rows.length : ((await db.select({ n: count() }).from(orders).where(where))[0]?.n ?? 0)
  return { rows, total }
}
