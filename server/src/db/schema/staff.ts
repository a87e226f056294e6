import { bigserial, index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'

export type StaffRole = 'admin' | 'operator'

/**
 * Staff of the training centre (OPS-5): their own accounts and credentials, never a learner's. A
 * staff token carries `tokenVersion`; disabling the account or changing its password bumps it and
 * ends every token at once.
 */
export const staffUsers = pgTable('staff_users', {
  id: serial().primaryKey(),
  username: text().notNull().unique(),
  passwordHash: text().notNull(),
  role: text().$type<StaffRole>().notNull(),
  tokenVersion: integer().notNull().default(0),
  createdAt: timestamptz().notNull().defaultNow(),
  disabledAt: timestamptz(),
})

/** Every staff action, written in the transaction of the change it records (OPS-5). Append-only. */
export const staffAuditLog = pgTable(
  'staff_audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    staffId: requiredRef(() => staffUsers.id),
    /** Dotted verb, e.g. `staff.sign_in`, `group_order.confirm_transfer`, `accounts.bulk_register`. */
    action: text().notNull(),
    /** What was acted on, e.g. `order:GRP2026…`; never personal data in clear. */
    target: text().notNull(),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.staffId, t.createdAt), index().on(t.target)],
)
