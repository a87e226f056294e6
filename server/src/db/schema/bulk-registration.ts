import { boolean, index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'
import { users } from './users.ts'

/**
 * One run of staff bulk registration (ACC-5, OPS-2): who ran it, from where, on which sheet (its
 * SHA-256, not its content) and what came of it. Kept as the audit trail of the command line and
 * alongside the staff audit log for the API.
 */
export const bulkRegistrations = pgTable(
  'bulk_registrations',
  {
    id: serial().primaryKey(),
    /** The staff member: a staff user id for the API, the --staff name for the command line. */
    staff: text().notNull(),
    source: text().$type<'cli' | 'api'>().notNull(),
    fileName: text().notNull(),
    fileSha256: text().notNull(),
    rows: integer().notNull(),
    created: integer().notNull(),
    existed: integer().notNull(),
    invalid: integer().notNull(),
    smsFailed: integer().notNull(),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.createdAt)],
)

/** Which run created which account, so staff can trace a learner's account back to a unit's sheet. */
export const bulkRegisteredUsers = pgTable('bulk_registered_users', {
  userId: integer()
    .primaryKey()
    .references(() => users.id),
  bulkRegistrationId: requiredRef(() => bulkRegistrations.id),
  /** 单位 as written on the sheet. */
  unitName: text().notNull(),
  /** Whether the initial password reached the SMS provider (false: staff must resend or reset). */
  smsSent: boolean().notNull().default(false),
})
