import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { groupRefundDues, orderItems, orders, refunds } from '../../db/schema.ts'
import type { Tx } from './payments.repository.ts'

/** Who files the automatic seat refunds (refunds.requested_by). */
export const SEAT_REFUND_REQUESTER = 'system:group-seats'

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
export async function dropEnrolledMeanwhile(tx: Tx, orderId: number, now: Date): Promise<number> {
  await tx.update(orderItems).set({ droppedAt: now }).where(and(eq(orderItems.orderId, orderId), enrolledMeanwhile()))
  const remaining = await tx.select({ id: orderItems.id }).from(orderItems).where(and(eq(orderItems.orderId, orderId), isNull(orderItems.droppedAt)))
  return remaining.length
}

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
  const unsent = await db
    .selectDistinct({ orderId: groupRefundDues.orderId })
    .from(groupRefundDues)
    .innerJoin(orders, eq(orders.id, groupRefundDues.orderId))
    .where(
      and(
        eq(groupRefundDues.reason, 'learner_already_enrolled'),
        isNull(groupRefundDues.refundId),
        isNull(groupRefundDues.refundedAt),
        isNotNull(orders.transactionId),
        inArray(orders.status, [OrderStatus.PAID]),
      ),
    )
    .limit(limit)
  const unanswered = await db
    .selectDistinct({ orderId: refunds.orderId })
    .from(refunds)
    .where(and(eq(refunds.requestedBy, SEAT_REFUND_REQUESTER), eq(refunds.status, 'requested')))
    .limit(limit)
  return [...new Set([...unsent, ...unanswered].map((r) => r.orderId))]
}
