import { pgTable, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

/**
 * Leases of periodic jobs (payment reconciliation …): the instance holding a job's lease runs it,
 * the others skip that round. A row, not a session advisory lock, so it works through a
 * transaction-mode pooler, and a killed holder's lease simply expires.
 */
export const periodicJobLeases = pgTable('periodic_job_leases', {
  name: text().primaryKey(),
  holder: text().notNull(),
  leaseUntil: timestamptz().notNull(),
})
