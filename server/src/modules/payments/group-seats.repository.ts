import { and, eq, isNull } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { groupRefundDues, refunds } from '../../db/schema/payments.ts'
import { paidWechatGroupOrders } from '../orders/orders.read-model.ts'
import type { Tx } from './payments.repository.ts'

/** Who files the automatic seat refunds (refunds.requested_by). */
export const SEAT_REFUND_REQUESTER = 'system:group-seats'

/** A paid group order's seats owed back and not yet in a refund (seats of learners who had bought for themselves). */
export async function unrefundedSeatDues(tx: Tx | AppDb, orderId: number) {
  return tx
    .select({ id: groupRefundDues.id, amountFen: groupRefundDues.amountFen })
    .from(groupRefundDues)
    .where(and(eq(groupRefundDues.orderId, orderId), eq(groupRefundDues.reason, 'learner_already_enrolled'), isNull(groupRefundDues.refundId), isNull(groupRefundDues.refundedAt)))
    .for('update')
}

/**
 * Group orders paid by WeChat Pay whose seat refunds are due: seats not yet in a refund, or a seat
 * refund whose request had no answer (it is sent again with the same out_refund_no).
 */
export async function ordersWithSeatRefundsDue(db: AppDb, limit: number): Promise<number[]> {
  // Seats not yet in a refund are few (each is sent as soon as its payment is applied); of their
  // orders, those paid by WeChat Pay and still paid are asked of orders.
  const withUnsentDues = await db
    .selectDistinct({ orderId: groupRefundDues.orderId })
    .from(groupRefundDues)
    .where(and(eq(groupRefundDues.reason, 'learner_already_enrolled'), isNull(groupRefundDues.refundId), isNull(groupRefundDues.refundedAt)))
  const unsent = (await paidWechatGroupOrders(db, withUnsentDues.map((r) => r.orderId), limit)).map((orderId) => ({ orderId }))
  const unanswered = await db
    .selectDistinct({ orderId: refunds.orderId })
    .from(refunds)
    .where(and(eq(refunds.requestedBy, SEAT_REFUND_REQUESTER), eq(refunds.status, 'requested')))
    .limit(limit)
  return [...new Set([...unsent, ...unanswered].map((r) => r.orderId))]
}
