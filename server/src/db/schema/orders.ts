import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import type { InvoiceRequest, OrderStatus } from '@app/shared'
import { requiredRef, timestamptz } from './columns.ts'
import { projects } from './catalogue.ts'
import { users } from './users.ts'

/**
 * An order for one project: bought by a learner for themself (individual) or for many learners
 * (group). Amounts are integer fen, fixed from the database price when the order is made.
 */
export const orders = pgTable(
  'orders',
  {
    id: serial().primaryKey(),
    /** Our order number at WeChat Pay: 6–32 of [0-9A-Za-z_-], unique. */
    outTradeNo: text().notNull().unique(),
    buyerUserId: requiredRef(() => users.id),
    kind: text().$type<'individual' | 'group'>().notNull(),
    projectId: requiredRef(() => projects.id),
    unitPriceFen: integer().notNull(),
    quantity: integer().notNull(),
    amountFen: integer().notNull(),
    status: text().$type<OrderStatus>().notNull(),
    invoice: jsonb().$type<InvoiceRequest>().notNull(),
    createdAt: timestamptz().notNull(),
    /** After this the order can no longer be paid (WeChat time_expire) and is closed. */
    expiresAt: timestamptz().notNull(),
    prepayId: text(),
    prepayIdExpiresAt: timestamptz(),
    payerOpenid: text(),
    /** Last time we asked WeChat about this order (reconciliation and polling are rate-limited by it). */
    lastQueriedAt: timestamptz(),
    transactionId: text(),
    paidAt: timestamptz(),
    payerTotalFen: integer(),
    closedAt: timestamptz(),
    closeReason: text(),
    refundedFen: integer().notNull().default(0),
    refundedAt: timestamptz(),
    /**
     * Paid with 「立即申请」 chosen and not yet looked at by the invoice job: set when the order is
     * paid, cleared by the job once the invoice exists (or the order no longer qualifies). The
     * job's catch-up pass reads only these rows (the partial index below), not every paid order.
     */
    invoicePending: boolean().notNull().default(false),
  },
  // paid_at: the console's 统计 sums the orders paid today (a short range of this index).
  (t) => [
    index().on(t.buyerUserId, t.createdAt),
    index().on(t.projectId),
    index().on(t.status, t.expiresAt),
    index().on(t.paidAt),
    index('orders_invoice_pending').on(t.id).where(sql`${t.invoicePending}`),
  ],
)

/**
 * The learners an order is for. `active` is true while the order is pending or paid; the partial
 * unique index makes "a learner cannot own a project twice, or have it in two open orders" a rule
 * of the database, not only of a check that two concurrent requests could both pass.
 */
export const orderItems = pgTable(
  'order_items',
  {
    id: serial().primaryKey(),
    orderId: requiredRef(() => orders.id),
    learnerUserId: requiredRef(() => users.id),
    projectId: requiredRef(() => projects.id),
    active: boolean().notNull().default(true),
    /**
     * A group order's learner taken off the order before it was paid (they had bought the plan
     * themselves meanwhile): not charged. A pending group order's items are inactive — listing a
     * learner reserves nothing — and become active only when the order is paid.
     */
    droppedAt: timestamptz(),
  },
  (t) => [
    index().on(t.orderId),
    index().on(t.learnerUserId),
    index().on(t.projectId),
    uniqueIndex('order_items_one_open_per_learner').on(t.learnerUserId, t.projectId).where(sql`${t.active}`),
  ],
)

/** A learner's right to study a project, granted in the same transaction that marks the order paid. */
export const enrollments = pgTable(
  'enrollments',
  {
    id: serial().primaryKey(),
    userId: requiredRef(() => users.id),
    projectId: requiredRef(() => projects.id),
    orderId: requiredRef(() => orders.id),
    status: text().$type<'active' | 'revoked'>().notNull(),
    createdAt: timestamptz().notNull(),
    revokedAt: timestamptz(),
    /** Set in the transaction of the report whose credit brings the counted hours to the requirement. */
    completedAt: timestamptz(),
  },
  (t) => [
    index().on(t.userId),
    index().on(t.projectId),
    index().on(t.orderId),
    uniqueIndex('enrollments_one_active').on(t.userId, t.projectId).where(sql`${t.status} = 'active'`),
  ],
)
