import { and, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { rowsOf, type AppTx } from '../../db/pipelined-transaction.ts'
import { enrollments, orderItems, orders } from '../../db/schema/orders.ts'
import type { OrderRow } from './orders.repository.ts'

/**
 * The writes of an order's money state, called by payments (settlement.service.ts decides; these
 * only write) inside its own transaction, the order row locked by `lockOrderByOutTradeNo` or
 * `lockOrderById`. Orders own `orders`, `order_items` and `enrollments` (docs/architecture.md,
 * "Table owners"); no other feature writes them.
 */

type Db = AppDb | AppTx

/** Paid again with 「立即申请」 chosen: the invoice job has an order to look at (it clears the mark). */
const INVOICE_NOW = sql<boolean>`(${orders.invoice}->>'choice') = 'now'`

/** The order row of a trade, locked for the caller's transaction. */
export async function lockOrderByOutTradeNo(tx: Db, outTradeNo: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.outTradeNo, outTradeNo)).for('update')
  return row
}

/** Pending → paid, with WeChat's (or the transfer's) facts. */
export async function markOrderPaid(tx: Db, orderId: number, payment: { transactionId: string | null; paidAt: Date; payerTotalFen: number | null }): Promise<void> {
  await tx
    .update(orders)
    .set({
      status: OrderStatus.PAID,
      transactionId: payment.transactionId,
      paidAt: payment.paidAt,
      payerTotalFen: payment.payerTotalFen,
      invoicePending: INVOICE_NOW,
    })
    .where(eq(orders.id, orderId))
}

/** An individual order's active items become enrolments (an enrolment already there is kept). */
export async function enrolActiveItems(tx: Db, orderId: number, now: Date): Promise<void> {
  const items = await tx.select().from(orderItems).where(and(eq(orderItems.orderId, orderId), eq(orderItems.active, true)))
  if (items.length === 0) return
  await tx
    .insert(enrollments)
    .values(items.map((item) => ({ userId: item.learnerUserId, projectId: item.projectId, orderId, status: 'active' as const, createdAt: now })))
    .onConflictDoNothing()
}

/**
 * A paid group order takes its seats: each listed learner who is still free — no active enrolment,
 * no open item of another order — is activated and enrolled; the partial unique index on
 * order_items decides against a concurrent order (a unique violation the caller retries). Answers
 * the listed learners not seated (in listing order), whose price is owed back.
 */
export async function seatGroupItems(tx: Db, orderId: number, now: Date): Promise<number[]> {
  await tx.execute(sql`update order_items i set active = true
    where i.order_id = ${orderId} and i.dropped_at is null and not i.active
      and not exists (select 1 from order_items o where o.learner_user_id = i.learner_user_id and o.project_id = i.project_id and o.active)
      and not exists (select 1 from enrollments e where e.user_id = i.learner_user_id and e.project_id = i.project_id and e.status = 'active')`)
  await tx.execute(sql`insert into enrollments (user_id, project_id, order_id, status, created_at)
    select i.learner_user_id, i.project_id, ${orderId}, 'active', ${now.toISOString()}::timestamptz from order_items i
    where i.order_id = ${orderId} and i.active order by i.id
    on conflict do nothing`)
  const unseated = rowsOf(await tx.execute(sql`select i.learner_user_id from order_items i where i.order_id = ${orderId} and i.dropped_at is null and not i.active order by i.id`))
  return unseated.map((row) => Number((row as { learner_user_id: unknown }).learner_user_id))
}

/** An unpaid order ends: closed with its reason, its items no longer holding anyone. */
export async function markOrderClosed(tx: Db, orderId: number, reason: string, now: Date): Promise<void> {
  await tx.update(orders).set({ status: OrderStatus.CLOSED, closedAt: now, closeReason: reason }).where(eq(orders.id, orderId))
  await tx.update(orderItems).set({ active: false }).where(eq(orderItems.orderId, orderId))
}

/** A staff refund was requested. */
export async function markOrderRefunding(tx: Db, orderId: number): Promise<void> {
  await tx.update(orders).set({ status: OrderStatus.REFUNDING }).where(eq(orders.id, orderId))
}

/** WeChat closed a refund without paying it: the order is paid again (and may be refunded anew). */
export async function markOrderRefundClosed(tx: Db, orderId: number): Promise<void> {
  await tx
    .update(orders)
    .set({ status: OrderStatus.PAID, invoicePending: INVOICE_NOW })
    .where(and(eq(orders.id, orderId), eq(orders.status, OrderStatus.REFUNDING)))
}

/**
 * A refund succeeded: its amount counted; once the whole amount is back the order is refunded, its
 * items hold nobody and its enrolments are revoked (they stop counting).
 */
export async function applyOrderRefund(tx: Db, order: OrderRow, amountFen: number, succeededAt: Date, now: Date): Promise<void> {
  const refundedFen = order.refundedFen + amountFen
  await tx
    .update(orders)
    .set({ refundedFen, refundedAt: succeededAt, status: refundedFen >= order.amountFen ? OrderStatus.REFUNDED : order.status })
    .where(eq(orders.id, order.id))
  if (refundedFen >= order.amountFen) {
    await tx.update(orderItems).set({ active: false }).where(eq(orderItems.orderId, order.id))
    await tx
      .update(enrollments)
      .set({ status: 'revoked', revokedAt: now })
      .where(and(eq(enrollments.orderId, order.id), inArray(enrollments.status, ['active'])))
  }
}

/** Stores a (renewed) prepay_id and its payer, only while the order is still pending under the same trade. */
export async function savePrepayId(db: Db, order: OrderRow, prepay: { prepayId: string; expiresAt: Date; payerOpenid: string }): Promise<OrderRow | undefined> {
  const [updated] = await db
    .update(orders)
    .set({ prepayId: prepay.prepayId, prepayIdExpiresAt: prepay.expiresAt, payerOpenid: prepay.payerOpenid })
    // The same trade (number and amount) the prepay was made for: a group order re-priced meanwhile has a new one.
    .where(and(eq(orders.id, order.id), eq(orders.status, OrderStatus.PENDING), eq(orders.outTradeNo, order.outTradeNo), eq(orders.amountFen, order.amountFen)))
    .returning()
  return updated
}

export async function markQueried(db: Db, orderId: number, at: Date): Promise<void> {
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

/** A listed, not yet dropped learner of a pending group order who now has an active enrolment. */
function enrolledMeanwhile() {
  return and(
    isNull(orderItems.droppedAt),
    // Spelt out: drizzle leaves single-table columns unqualified, and a bare project_id in the
    // subquery would be the enrolment's own.
    sql`exists (select 1 from enrollments e where e.user_id = order_items.learner_user_id and e.project_id = order_items.project_id and e.status = 'active')`,
  )
}

/** How many of the order's listed learners have become enrolled (by their own or another order) since it was listed. */
export async function countEnrolledMeanwhile(db: AppDb, orderId: number): Promise<number> {
  const rows = await db.select({ id: orderItems.id }).from(orderItems).where(and(eq(orderItems.orderId, orderId), enrolledMeanwhile()))
  return rows.length
}

/** Marks those learners dropped (not charged) and answers how many listed learners remain. */
export async function dropEnrolledMeanwhile(tx: Db, orderId: number, now: Date): Promise<number> {
  await tx.update(orderItems).set({ droppedAt: now }).where(and(eq(orderItems.orderId, orderId), enrolledMeanwhile()))
  const remaining = await tx.select({ id: orderItems.id }).from(orderItems).where(and(eq(orderItems.orderId, orderId), isNull(orderItems.droppedAt)))
  return remaining.length
}

/**
 * A re-priced pending group order: its remaining learners at the unit price under a new trade
 * number (a WeChat trade's amount cannot change), or closed when nobody is left.
 */
export async function repriceGroupOrder(tx: Db, order: OrderRow, remaining: number, outTradeNo: string, now: Date): Promise<void> {
  const repriced = { quantity: remaining, amountFen: remaining * order.unitPriceFen, outTradeNo, prepayId: null, prepayIdExpiresAt: null }
  if (remaining === 0) {
    await tx.update(orders).set({ ...repriced, status: OrderStatus.CLOSED, closedAt: now, closeReason: 'no_learners_left' }).where(eq(orders.id, order.id))
  } else {
    await tx.update(orders).set(repriced).where(eq(orders.id, order.id))
  }
}
