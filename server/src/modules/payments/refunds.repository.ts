import { and, eq, inArray } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { groupRefundDues, refunds } from '../../db/schema/payments.ts'
import type { Tx } from './payments.repository.ts'

/** Refund rows and the money group orders owe back (`refunds`, `group_refund_dues`). */

type Db = AppDb | Tx
export type RefundRow = typeof refunds.$inferSelect

/** A refund row, written before WeChat is called so a retry reuses its out_refund_no. */
export async function insertRefund(
  tx: Db,
  values: { orderId: number; outRefundNo: string; amountFen: number; reason: string; requestedBy: string },
  now: Date,
): Promise<RefundRow> {
  const [row] = await tx.insert(refunds).values({ ...values, status: 'requested', createdAt: now }).returning()
  if (!row) throw new Error('refund row missing')
  return row
}

/** The order's refund still open (requested or processing), if any. */
export async function findOpenRefund(tx: Db, orderId: number): Promise<RefundRow | undefined> {
  const [row] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), inArray(refunds.status, ['requested', 'processing'])))
  return row
}

/** The order's refund by this requester that WeChat has not answered yet (sent again with the same number). */
export async function findUnansweredRefund(tx: Db, orderId: number, requestedBy: string): Promise<RefundRow | undefined> {
  const [row] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.requestedBy, requestedBy), eq(refunds.status, 'requested')))
  return row
}

/**
 * WeChat accepted the refund. Only a refund not yet answered moves: a repeated request (a double
 * click) whose answer arrives after the success was applied must not make it open again — it would
 * be settled, and counted, a second time.
 */
export async function markRefundProcessing(db: Db, refundId: number, wechatRefundId: string): Promise<void> {
  await db
    .update(refunds)
    .set({ status: 'processing', refundId: wechatRefundId })
    .where(and(eq(refunds.id, refundId), inArray(refunds.status, ['requested', 'processing'])))
}

/** WeChat closed the refund (CLOSED) or could not pay it out (ABNORMAL): it is no longer open. */
export async function markRefundEnded(tx: Db, refundId: number, status: 'closed' | 'abnormal'): Promise<void> {
  await tx.update(refunds).set({ status }).where(eq(refunds.id, refundId))
}

/** A refund by its out_refund_no, locked for the caller's transaction. */
export async function lockRefundByOutRefundNo(tx: Db, outRefundNo: string): Promise<RefundRow | undefined> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.outRefundNo, outRefundNo)).for('update')
  return row
}

/** The refund succeeded; the group seats it returns are returned now. */
export async function markRefundSucceeded(tx: Db, refundId: number, wechatRefundId: string, succeededAt: Date): Promise<void> {
  await tx.update(refunds).set({ status: 'succeeded', refundId: wechatRefundId, succeededAt }).where(eq(refunds.id, refundId))
  await tx.update(groupRefundDues).set({ refundedAt: succeededAt }).where(eq(groupRefundDues.refundId, refundId))
}

/** Seat dues now travel in this refund. */
export async function attachDuesToRefund(tx: Db, dueIds: number[], refundId: number): Promise<void> {
  await tx.update(groupRefundDues).set({ refundId }).where(inArray(groupRefundDues.id, dueIds))
}

/** Money owed back for a whole payment (a duplicate, or a transfer above the seats' amount); once per payment. */
export async function recordPaymentDue(
  tx: Db,
  due: { orderId: number; reason: 'duplicate_payment' | 'dropped_seats_paid'; paymentRef: string; amountFen: number },
  now: Date,
): Promise<void> {
  await tx.insert(groupRefundDues).values({ ...due, createdAt: now }).onConflictDoNothing()
}

/** Seats of a paid group order that were not taken, owed back at the unit price; answers the dues this call recorded (none the second time). */
export async function recordSeatDues(tx: Db, orderId: number, learnerUserIds: number[], unitPriceFen: number, now: Date): Promise<{ amountFen: number }[]> {
  if (learnerUserIds.length === 0) return []
  return tx
    .insert(groupRefundDues)
    .values(learnerUserIds.map((learnerUserId) => ({ orderId, reason: 'learner_already_enrolled' as const, learnerUserId, amountFen: unitPriceFen, createdAt: now })))
    .onConflictDoNothing()
    .returning({ amountFen: groupRefundDues.amountFen })
}
