import { and, eq, inArray, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { groupRefundDues, refunds } from '../../db/schema/payments.ts'

/**
 * What other features may read of payments' tables (docs/architecture.md, "Table owners"): money a
 * group order owes back to its buyer (`group_refund_dues`, written at settlement and refund).
 */

/** What each order owes back to its buyer and how much of it has been returned, for the orders shown. */
export async function refundTotals(db: AppDb, orderIds: number[]) {
  if (orderIds.length === 0) return new Map<number, { seats: number; amountFen: number; returnedFen: number }>()
  const rows = await db
    .select({
      orderId: groupRefundDues.orderId,
      seats: sql<number>`count(${groupRefundDues.learnerUserId})`.mapWith(Number),
      amountFen: sql<number>`sum(${groupRefundDues.amountFen})`.mapWith(Number),
      returnedFen: sql<number>`coalesce(sum(${groupRefundDues.amountFen}) filter (where ${groupRefundDues.refundedAt} is not null), 0)`.mapWith(Number),
    })
    .from(groupRefundDues)
    .where(inArray(groupRefundDues.orderId, orderIds))
    .groupBy(groupRefundDues.orderId)
  return new Map(rows.map((r) => [r.orderId, { seats: r.seats, amountFen: r.amountFen, returnedFen: r.returnedFen }]))
}

/** The seats of one order owed back, by learner, for these learners (one query): whether each has been returned. */
export async function seatRefundDues(db: AppDb, orderId: number, learnerUserIds: number[]): Promise<Map<number, { refunded: boolean }>> {
  if (learnerUserIds.length === 0) return new Map()
  const rows = await db
    .select({ learnerUserId: groupRefundDues.learnerUserId, refunded: sql<boolean>`${groupRefundDues.refundedAt} is not null` })
    .from(groupRefundDues)
    .where(and(eq(groupRefundDues.orderId, orderId), sql`${groupRefundDues.learnerUserId} = any(string_to_array(${learnerUserIds.join(',')}, ',')::int[])`))
  return new Map(rows.map((r) => [r.learnerUserId as number, { refunded: r.refunded }]))
}

/** Whether a refund of any of these orders is still with WeChat (requested or processing). */
export async function hasRefundInProgress(db: AppDb | AppTx, orderIds: number[]): Promise<boolean> {
  if (orderIds.length === 0) return false
  const [row] = await db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(inArray(refunds.orderId, orderIds), inArray(refunds.status, ['requested', 'processing'])))
    .limit(1)
  return !!row
}

/** Each order's refunds (staff's 订单与退款), oldest first, for the orders shown (one query). */
export async function refundsOfOrders(db: AppDb, orderIds: number[]) {
  if (orderIds.length === 0) return new Map<number, (typeof refunds.$inferSelect)[]>()
  const rows = await db.select().from(refunds).where(inArray(refunds.orderId, orderIds)).orderBy(refunds.id)
  const byOrder = new Map<number, (typeof refunds.$inferSelect)[]>()
  for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row])
  return byOrder
}
