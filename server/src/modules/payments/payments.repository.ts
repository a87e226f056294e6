import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { orders, paymentNotifications, wechatBindings } from '../../db/schema.ts'
import type { OrderRow } from '../orders/orders.repository.ts'

/** A transaction handle: repository functions take either `db` or this. */
export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

/** The openid the learner signed in with through WeChat: JSAPI pays as that payer. */
export async function boundOpenid(db: AppDb, userId: number): Promise<string | undefined> {
  const [row] = await db.select({ openid: wechatBindings.openid }).from(wechatBindings).where(eq(wechatBindings.userId, userId))
  return row?.openid
}

/** Stores a (renewed) prepay_id and its payer, only while the order is still pending under the same trade. */
export async function savePrepayId(db: AppDb, order: OrderRow, prepay: { prepayId: string; expiresAt: Date; payerOpenid: string }): Promise<OrderRow | undefined> {
  const [updated] = await db
    .update(orders)
    .set({ prepayId: prepay.prepayId, prepayIdExpiresAt: prepay.expiresAt, payerOpenid: prepay.payerOpenid })
    // The same trade (number and amount) the prepay was made for: a group order re-priced meanwhile has a new one.
    .where(and(eq(orders.id, order.id), eq(orders.status, OrderStatus.PENDING), eq(orders.outTradeNo, order.outTradeNo), eq(orders.amountFen, order.amountFen)))
    .returning()
  return updated
}

export async function markQueried(db: AppDb, orderId: number, at: Date): Promise<void> {
  await db.update(orders).set({ lastQueriedAt: at }).where(eq(orders.id, orderId))
}

/** Pending orders reconciliation should look at: expired ones, and those with a prepay not queried for a minute. */
export async function pendingOrdersDue(db: AppDb, now: Date, limit: number): Promise<OrderRow[]> {
  const minuteAgo = new Date(now.getTime() - 60_000)
  return db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.status, OrderStatus.PENDING),
        or(
          lt(orders.expiresAt, now),
          and(isNotNull(orders.prepayId), lt(orders.createdAt, minuteAgo), or(isNull(orders.lastQueriedAt), lt(orders.lastQueriedAt, minuteAgo))),
        ),
      ),
    )
    .orderBy(orders.createdAt)
    .limit(limit)
}

/** The audit row of one WeChat Pay notification; a re-sent notification (same id) keeps the first row. */
export async function recordNotification(
  db: AppDb | Tx,
  row: { id: string; eventType: string; outTradeNo: string | null; outcome: string; receivedAt: Date },
): Promise<void> {
  await db.insert(paymentNotifications).values(row).onConflictDoNothing()
}
