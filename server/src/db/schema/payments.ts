import { sql } from 'drizzle-orm'
import { index, integer, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'
import { orders } from './orders.ts'
import { users } from './users.ts'

// Payments' tables (docs/architecture.md, "Table owners"): WeChat Pay's notifications, refunds and
// what a group order's settlement owes back.

/** Every verified WeChat Pay notification, by its id: an audit trail and a duplicate detector. */
export const paymentNotifications = pgTable('payment_notifications', {
  id: text().primaryKey(),
  eventType: text().notNull(),
  outTradeNo: text(),
  outcome: text().notNull(),
  receivedAt: timestamptz().notNull(),
})

/** A refund by staff through /v3/refund/domestic/refunds; out_refund_no is reused on retries. */
export const refunds = pgTable(
  'refunds',
  {
    id: serial().primaryKey(),
    orderId: requiredRef(() => orders.id),
    outRefundNo: text().notNull().unique(),
    amountFen: integer().notNull(),
    reason: text().notNull(),
    /** `closed` / `abnormal`: WeChat's CLOSED and ABNORMAL answers (no longer open; see refunds.service.ts). */
    status: text().$type<'requested' | 'processing' | 'succeeded' | 'failed' | 'closed' | 'abnormal'>().notNull(),
    requestedBy: text().notNull(),
    createdAt: timestamptz().notNull(),
    refundId: text(),
    succeededAt: timestamptz(),
  },
  // succeeded_at: the console's 统计 subtracts the refunds that went out in a period.
  (t) => [index().on(t.orderId), index().on(t.succeededAt)],
)

/**
 * Money a group order's buyer is owed back: a learner already enrolled (or holding an order of
 * their own) when this one was paid (GRP-3) — refunded automatically when paid by WeChat Pay
 * (`refundId`), returned by staff for a transfer — a transfer above the seats' amount
 * (`dropped_seats_paid`), or a second payment of an already paid order (transfer and WeChat Pay
 * both arrived). Unique per learner and per payment, so settling twice records nothing twice.
 */
export const groupRefundDues = pgTable(
  'group_refund_dues',
  {
    id: serial().primaryKey(),
    orderId: requiredRef(() => orders.id),
    reason: text().$type<'learner_already_enrolled' | 'duplicate_payment' | 'dropped_seats_paid'>().notNull(),
    learnerUserId: integer().references(() => users.id),
    /** `wechat:<transaction_id>` or `transfer:<bank serial>` for duplicate payments. */
    paymentRef: text(),
    amountFen: integer().notNull(),
    createdAt: timestamptz().notNull(),
    refundedAt: timestamptz(),
    /** The automatic WeChat Pay refund that returns this seat (a seat paid by WeChat Pay and not needed). */
    refundId: integer().references(() => refunds.id),
  },
  (t) => [
    index().on(t.orderId),
    index().on(t.refundId),
    uniqueIndex('group_refund_dues_one_per_learner').on(t.orderId, t.learnerUserId).where(sql`${t.learnerUserId} is not null`),
    uniqueIndex('group_refund_dues_one_per_payment').on(t.orderId, t.paymentRef).where(sql`${t.paymentRef} is not null`),
  ],
)
