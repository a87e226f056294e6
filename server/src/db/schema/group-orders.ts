import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import type { GroupFailure } from '@app/shared'
import { requiredRef, timestamptz } from './columns.ts'
import { orders } from './orders.ts'
import { projects } from './catalogue.ts'
import { staffUsers } from './staff.ts'
import { users } from './users.ts'

/**
 * A 团体购买 list that failed its check: the failing lines, kept for 「下载错误文件」 until
 * `expiresAt` (then deleted). Group orders themselves are `orders` rows of kind 'group' with one
 * `order_items` row per learner.
 */
export const groupCheckRuns = pgTable(
  'group_check_runs',
  {
    id: uuid().primaryKey(),
    buyerUserId: requiredRef(() => users.id),
    projectId: requiredRef(() => projects.id),
    /** Failing lines of a run stored before encryption at rest (they hold ID numbers); null once sealed. */
    legacyFailures: jsonb('failures').$type<GroupFailure[]>(),
    /** The failing lines (GroupFailure[] as JSON), sealed: each line is what the buyer typed, ID number included. */
    failuresSealed: text(),
    createdAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.expiresAt)],
)

/**
 * 对公转账 for a group order (GRP-3): the reference the unit writes on its transfer, and, once staff
 * confirm the receipt, who did and what arrived. One row per order.
 */
export const groupOrderTransfers = pgTable('group_order_transfers', {
  orderId: integer()
    .primaryKey()
    .references(() => orders.id),
  reference: text().notNull().unique(),
  confirmedAt: timestamptz(),
  confirmedByStaffId: integer().references(() => staffUsers.id),
  receivedFen: integer(),
  bankSerial: text(),
})
