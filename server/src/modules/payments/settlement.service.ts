import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { enrollments, groupRefundDues, orderItems, orders, refunds } from '../../db/schema.ts'
import type { WechatPayRefund, WechatPayTransaction } from '../../integrations/wechat/pay/types.ts'
import { recordNotification, type Tx } from './payments.repository.ts'

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
  return db.transaction(async (tx) => {
    const outcome = await apply(tx)
    const described = outcome.kind === 'rejected' ? `rejected:${outcome.reason}` : outcome.kind
    if (audit) await recordNotification(tx, { ...audit, outTradeNo, outcome: described, receivedAt: now })
    return outcome
  })
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
}

export type ReceiveOutcome = { kind: 'paid' } | { kind: 'already_paid' } | { kind: 'duplicate_payment' } | { kind: 'paid_after_close' }

/**
 * Applies money received for an order whose row the caller holds locked: the one path by which
 * an order becomes paid and its learners enrolled, whichever payment arrives first (PAY-3, GRP-3).
 * - pending: paid, every listed learner enrolled in this transaction;
 * - a closed group order (a transfer confirmed after the order lapsed): money cannot be refused,
 *   so it is paid too, its learners who are free again enrolled;
 * - already paid by another payment (transfer and WeChat Pay both arrived): owed back in full;
 * - a learner enrolled meanwhile by another order is not enrolled twice: the price is owed back.
 */
export async function receivePayment(tx: Tx, order: OrderRow, payment: ReceivedPayment, now: Date): Promise<ReceiveOutcome> {
  const reopen = order.status === OrderStatus.CLOSED && order.kind === 'group'
  if (order.status === OrderStatus.CLOSED && !reopen) return { kind: 'paid_after_close' }
  if (order.status !== OrderStatus.PENDING && !reopen) {
    // The same WeChat payment told again (duplicate notification, notification + query).
    if (payment.ref === 'wechat:' || (payment.transactionId !== null && payment.transactionId === order.transactionId)) return { kind: 'already_paid' }
    await tx
      .insert(groupRefundDues)
      .values({ orderId: order.id, reason: 'duplicate_payment', paymentRef: payment.ref, amountFen: order.amountFen, createdAt: now })
      .onConflictDoNothing()
    return { kind: 'duplicate_payment' }
  }
  await tx
    .update(orders)
    .set({ status: OrderStatus.PAID, transactionId: payment.transactionId, paidAt: payment.paidAt, payerTotalFen: payment.payerTotalFen })
    .where(eq(orders.id, order.id))
  if (reopen) {
    // Learners another order took while this one was closed stay out (and are owed back below).
    await tx.execute(sql`update order_items i set active = true where i.order_id = ${order.id}
      and not exists (select 1 from order_items o where o.learner_user_id = i.learner_user_id and o.project_id = i.project_id and o.active)`)
  }
  const items = await tx.select().from(orderItems).where(eq(orderItems.orderId, order.id)).orderBy(asc(orderItems.id))
  const enrolled = new Set<number>()
  const active = items.filter((item) => item.active)
  // 1,000 rows a statement keeps a 5,000-learner order well under PostgreSQL's parameter limit.
  for (let i = 0; i < active.length; i += 1000) {
    const rows = await tx
      .insert(enrollments)
      .values(active.slice(i, i + 1000).map((item) => ({ userId: item.learnerUserId, projectId: item.projectId, orderId: order.id, status: 'active' as const, createdAt: now })))
      .onConflictDoNothing()
      .returning({ userId: enrollments.userId })
    for (const row of rows) enrolled.add(row.userId)
  }
  const owed = order.kind === 'group' ? items.filter((item) => !enrolled.has(item.learnerUserId)) : []
  for (let i = 0; i < owed.length; i += 1000) {
    await tx
      .insert(groupRefundDues)
      .values(owed.slice(i, i + 1000).map((item) => ({ orderId: order.id, reason: 'learner_already_enrolled' as const, learnerUserId: item.learnerUserId, amountFen: order.unitPriceFen, createdAt: now })))
      .onConflictDoNothing()
  }
  return { kind: 'paid' }
}

/** An unpaid order ends (cancelled, expired, or closed at WeChat): its learners are free to buy again. */
export async function closePending(db: AppDb, orderId: number, reason: 'cancelled' | 'expired' | 'closed_by_wechat', now: Date): Promise<boolean> {
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
