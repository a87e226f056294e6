import { and, eq, inArray, sql } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { enrollments, groupRefundDues, orderItems, orders, refunds } from '../../db/schema.ts'
import type { WechatPayRefund, WechatPayTransaction } from '../../integrations/wechat/pay/types.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { recordNotification, type Tx } from './payments.repository.ts'
import { isUniqueViolation } from '../../core/db-errors.ts'

/**
 * The only code that changes an order's money state. Each function runs in one transaction with
 * the order row locked, checks WeChat's data against ours, and is idempotent: applying the same
 * fact twice (duplicate notification, notification + query) changes nothing the second time.
 */

export interface MerchantIdentity {
  appId: string
  mchId: string
}

export type SettleOutcome =
  | { kind: 'paid' }
  | { kind: 'already_paid' }
  | { kind: 'rejected'; reason: 'unknown_order' | 'identity_mismatch' | 'amount_mismatch' | 'not_success' | 'paid_after_close' }

/** The notification a settlement answers: its audit row is written in the same transaction. */
export interface NotificationAudit {
  id: string
  eventType: string
}

/** Runs one settlement in a transaction and, for a notification, writes its audit row in the same one. */
async function settleAudited<T extends { kind: string; reason?: string }>(
  db: AppDb,
  outTradeNo: string,
  now: Date,
  audit: NotificationAudit | undefined,
  apply: (tx: Tx) => Promise<T>,
): Promise<T> {
  return withSeatRetry(() =>
    db.transaction(async (tx) => {
      const outcome = await apply(tx)
      const described = outcome.kind === 'rejected' ? `rejected:${outcome.reason}` : outcome.kind
      if (audit) await recordNotification(tx, { ...audit, outTradeNo, outcome: described, receivedAt: now })
      return outcome
    }),
  )
}

async function lockOrder(tx: Tx, outTradeNo: string) {
  const [row] = await tx.select().from(orders).where(eq(orders.outTradeNo, outTradeNo)).for('update')
  return row
}

/** Order → paid and every listed learner → enrolled, in one transaction (PAY-3, GRP-3). */
export async function settlePaid(db: AppDb, merchant: MerchantIdentity, trade: WechatPayTransaction, now: Date, audit?: NotificationAudit): Promise<SettleOutcome> {
  return settleAudited(db, trade.out_trade_no, now, audit, (tx) => applyPaid(tx, merchant, trade, now))
}

async function applyPaid(tx: Tx, merchant: MerchantIdentity, trade: WechatPayTransaction, now: Date): Promise<SettleOutcome> {
  const order = await lockOrder(tx, trade.out_trade_no)
  if (!order) return { kind: 'rejected', reason: 'unknown_order' }
  if (trade.appid !== merchant.appId || trade.mchid !== merchant.mchId) return { kind: 'rejected', reason: 'identity_mismatch' }
  if (trade.trade_state !== 'SUCCESS' && trade.trade_state !== 'REFUND') return { kind: 'rejected', reason: 'not_success' }
  // The order's own amount decides; what the learner paid after coupons (payer_total) is kept for accounting.
  if (trade.amount?.total !== order.amountFen || (trade.amount.currency ?? 'CNY') !== 'CNY') {
    return { kind: 'rejected', reason: 'amount_mismatch' }
  }
  const received = await receivePayment(
    tx,
    order,
    {
      ref: `wechat:${trade.transaction_id ?? ''}`,
      transactionId: trade.transaction_id ?? null,
      paidAt: trade.success_time ? new Date(trade.success_time) : now,
      payerTotalFen: trade.amount.payer_total ?? null,
      receivedFen: trade.amount.total,
    },
    now,
  )
  if (received.kind === 'paid_after_close') return { kind: 'rejected', reason: 'paid_after_close' }
  return received.kind === 'paid' ? { kind: 'paid' } : { kind: 'already_paid' }
}

type OrderRow = typeof orders.$inferSelect

/** Money received for an order, by WeChat Pay or by a 对公转账 that staff confirmed. */
export interface ReceivedPayment {
  /** `wechat:<transaction_id>` or `transfer:<bank serial>`. */
  ref: string
  /** WeChat's transaction id; null for a transfer. */
  transactionId: string | null
  paidAt: Date
  payerTotalFen: number | null
  /**
   * What arrived. WeChat Pay: the order's amount. A transfer may carry more — the amount the
   * order showed before learners who bought for themselves were taken off it — the rest is owed back.
   */
  receivedFen: number
}

export type ReceiveOutcome =
  | { kind: 'paid'; seatsNotNeeded: number; refundDueFen: number }
  | { kind: 'already_paid' }
  | { kind: 'duplicate_payment'; refundDueFen: number }
  | { kind: 'paid_after_close' }

/**
 * Applies money received for an order whose row the caller holds locked: the one path by which
 * an order becomes paid and its learners enrolled, whichever payment arrives first (PAY-3, GRP-3).
 * - pending: paid; an individual order's learner enrolled, a group order's learners seated (below);
 * - a closed group order (a transfer confirmed after the order lapsed): money cannot be refused,
 *   so it is paid too, its learners who are free seated;
 * - already paid by another payment (transfer and WeChat Pay both arrived): owed back in full.
 */
export async function receivePayment(tx: Tx, order: OrderRow, payment: ReceivedPayment, now: Date): Promise<ReceiveOutcome> {
  const reopen = order.status === OrderStatus.CLOSED && order.kind === 'group'
  if (order.status === OrderStatus.CLOSED && !reopen) return { kind: 'paid_after_close' }
  if (order.status !== OrderStatus.PENDING && !reopen) {
    // The same WeChat payment told again (duplicate notification, notification + query).
    if (payment.ref === 'wechat:' || (payment.transactionId !== null && payment.transactionId === order.transactionId)) return { kind: 'already_paid' }
    await tx
      .insert(groupRefundDues)
      .values({ orderId: order.id, reason: 'duplicate_payment', paymentRef: payment.ref, amountFen: payment.receivedFen, createdAt: now })
      .onConflictDoNothing()
    return { kind: 'duplicate_payment', refundDueFen: payment.receivedFen }
  }
  await tx
    .update(orders)
    .set({ status: OrderStatus.PAID, transactionId: payment.transactionId, paidAt: payment.paidAt, payerTotalFen: payment.payerTotalFen })
    .where(eq(orders.id, order.id))
  if (order.kind === 'group') return { kind: 'paid', ...(await seatGroupLearners(tx, order, payment, now)) }
  const items = await tx.select().from(orderItems).where(and(eq(orderItems.orderId, order.id), eq(orderItems.active, true)))
  if (items.length > 0) {
    await tx
      .insert(enrollments)
      .values(items.map((item) => ({ userId: item.learnerUserId, projectId: item.projectId, orderId: order.id, status: 'active' as const, createdAt: now })))
      .onConflictDoNothing()
  }
  return { kind: 'paid', seatsNotNeeded: 0, refundDueFen: 0 }
}

/**
 * A paid group order takes its seats. Its items were inactive while it was pending (listing a
 * learner reserves nothing), so each listed learner who is still free — no active enrolment, no open
 * item of another order (their own order, paid or pending, comes first) — is activated and enrolled
 * now; the partial unique index on order_items decides against a concurrent order (the caller
 * retries the transaction, see `withSeatRetry`). Every listed seat not taken is owed back at the
 * unit price, and money received beyond the order's amount (a transfer of an earlier, higher
 * amount) is owed back too.
 */
async function seatGroupLearners(tx: Tx, order: OrderRow, payment: ReceivedPayment, now: Date): Promise<{ seatsNotNeeded: number; refundDueFen: number }> {
  await tx.execute(sql`update order_items i set active = true
    where i.order_id = ${order.id} and i.dropped_at is null and not i.active
      and not exists (select 1 from order_items o where o.learner_user_id = i.learner_user_id and o.project_id = i.project_id and o.active)
      and not exists (select 1 from enrollments e where e.user_id = i.learner_user_id and e.project_id = i.project_id and e.status = 'active')`)
  await tx.execute(sql`insert into enrollments (user_id, project_id, order_id, status, created_at)
    select i.learner_user_id, i.project_id, ${order.id}, 'active', ${now.toISOString()}::timestamptz from order_items i
    where i.order_id = ${order.id} and i.active order by i.id
    on conflict do nothing`)
  const owed = rowsOf(
    await tx.execute(sql`insert into group_refund_dues (order_id, reason, learner_user_id, amount_fen, created_at)
      select ${order.id}, 'learner_already_enrolled', i.learner_user_id, ${order.unitPriceFen}, ${now.toISOString()}::timestamptz from order_items i
      where i.order_id = ${order.id} and i.dropped_at is null and not i.active order by i.id
      on conflict do nothing returning amount_fen`),
  ).map((row) => ({ amountFen: Number(row.amount_fen) }))
  let refundDueFen = owed.reduce((sum, row) => sum + row.amountFen, 0)
  const overpaid = payment.receivedFen - order.amountFen
  if (overpaid > 0) {
    await tx
      .insert(groupRefundDues)
      .values({ orderId: order.id, reason: 'dropped_seats_paid', paymentRef: payment.ref, amountFen: overpaid, createdAt: now })
      .onConflictDoNothing()
    refundDueFen += overpaid
  }
  return { seatsNotNeeded: owed.length, refundDueFen }
}

/**
 * Runs a settlement transaction again when a concurrent order took one of its learners at the same
 * instant (the unique index refused the seat): the next attempt sees that order and owes the seat
 * back instead. Settlements are idempotent, so running again is safe.
 */
export async function withSeatRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (attempt >= 5 || !isUniqueViolation(error)) throw error
    }
  }
}

/** An unpaid order ends (cancelled, expired, or closed at WeChat): its learners are free to buy again. */
export async function closePending(db: AppDb, orderId: number, reason: 'cancelled' | 'expired' | 'closed_by_wechat' | 'no_learners_left', now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
    if (!order || order.status !== OrderStatus.PENDING) return false
    await tx.update(orders).set({ status: OrderStatus.CLOSED, closedAt: now, closeReason: reason }).where(eq(orders.id, orderId))
    await tx.update(orderItems).set({ active: false }).where(eq(orderItems.orderId, orderId))
    return true
  })
}

export type RefundOutcome = { kind: 'refunded' } | { kind: 'already_refunded' } | { kind: 'rejected'; reason: 'unknown_refund' | 'mismatch' | 'not_success' }

export type RefundFacts = Pick<WechatPayRefund, 'out_refund_no' | 'out_trade_no' | 'status' | 'refund_id' | 'success_time' | 'amount'> & { mchid?: string }

/** Refund succeeded: order → refunded, its enrolments revoked (they stop counting), in one transaction. */
export async function settleRefund(db: AppDb, merchant: MerchantIdentity, refund: RefundFacts, now: Date, audit?: NotificationAudit): Promise<RefundOutcome> {
  return settleAudited(db, refund.out_trade_no, now, audit, (tx) => applyRefund(tx, merchant, refund, now))
}

async function applyRefund(tx: Tx, merchant: MerchantIdentity, refund: RefundFacts, now: Date): Promise<RefundOutcome> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.outRefundNo, refund.out_refund_no)).for('update')
  if (!row) return { kind: 'rejected', reason: 'unknown_refund' }
  const [order] = await tx.select().from(orders).where(eq(orders.id, row.orderId)).for('update')
  if (!order || order.outTradeNo !== refund.out_trade_no || refund.amount.refund !== row.amountFen || (refund.mchid && refund.mchid !== merchant.mchId)) {
    return { kind: 'rejected', reason: 'mismatch' }
  }
  if (refund.status !== 'SUCCESS') return { kind: 'rejected', reason: 'not_success' }
  if (row.status === 'succeeded') return { kind: 'already_refunded' }
  const succeededAt = refund.success_time ? new Date(refund.success_time) : now
  await tx.update(refunds).set({ status: 'succeeded', refundId: refund.refund_id, succeededAt }).where(eq(refunds.id, row.id))
  // The group seats this refund returns (an automatic seat refund) are returned now.
  await tx.update(groupRefundDues).set({ refundedAt: succeededAt }).where(eq(groupRefundDues.refundId, row.id))
  const refundedFen = order.refundedFen + row.amountFen
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
  return { kind: 'refunded' }
}
