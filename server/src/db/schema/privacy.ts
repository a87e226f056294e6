import { index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'
import { staffUsers } from './staff.ts'
import { users } from './users.ts'

export type AccountClosureStatus = 'refused' | 'closed'

/**
 * 注销账号 (PIPL art. 47): one row per account that asked. `refused`: the learner asked and a check
 * failed (the blocking reasons' error codes in `blockers`); staff see it and may close once it is
 * resolved. `closed`: sign-in identifiers and personal data were removed in the transaction that
 * set it (modules/privacy/privacy.service.ts). Holds no personal data itself: the account is named
 * by its id only, and after closure that row is anonymised.
 */
export const accountClosures = pgTable(
  'account_closures',
  {
    id: serial().primaryKey(),
    userId: requiredRef(() => users.id).unique(),
    status: text().$type<AccountClosureStatus>().notNull(),
    /** Error codes of the checks that refused the last request (empty once closed). */
    blockers: jsonb().$type<string[]>().notNull().default([]),
    requestedAt: timestamptz().notNull(),
    closedAt: timestamptz(),
    /** 'self' (the learner, checks passed) or 'staff' (staff closed a refused request after resolving it). */
    closedBy: text().$type<'self' | 'staff'>(),
    staffId: integer().references(() => staffUsers.id),
    /** Staff's note on why they closed it (no personal data). */
    note: text(),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.status, t.updatedAt), index().on(t.staffId)],
)
