import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { staffAuditLog, staffUsers } from '../../db/schema/staff.ts'

export interface AuditFilter {
  staffId?: number
  action?: string
  target?: string
  from?: Date
  to?: Date
}

export interface AuditRow {
  id: number
  staffId: number
  username: string
  action: string
  target: string
  detail: Record<string, unknown>
  createdAt: Date
}

/** Counting stops here: "more than 10,000" is all a page of the log needs to say. */
export const AUDIT_COUNT_LIMIT = 10_000

function conditions(filter: AuditFilter): SQL | undefined {
  return and(
    filter.staffId === undefined ? undefined : eq(staffAuditLog.staffId, filter.staffId),
    filter.action === undefined ? undefined : eq(staffAuditLog.action, filter.action),
    filter.target === undefined ? undefined : eq(staffAuditLog.target, filter.target),
    filter.from === undefined ? undefined : gte(staffAuditLog.createdAt, filter.from),
    filter.to === undefined ? undefined : lt(staffAuditLog.createdAt, filter.to),
  )
}

/**
 * 审计日志 for the console: one page of staff actions, newest first, with the staff member's
 * username. Each filter walks an index of `staff_audit_log` in time order (staff_id, created_at;
 * action, created_at; target; created_at), and the count stops at AUDIT_COUNT_LIMIT.
 */
export async function listStaffActions(db: AppDb, filter: AuditFilter, page: { offset: number; limit: number }): Promise<{ rows: AuditRow[]; total: number; capped: boolean }> {
  const where = conditions(filter)
  const rows = await db
    .select({
      id: staffAuditLog.id,
      staffId: staffAuditLog.staffId,
      username: staffUsers.username,
      action: staffAuditLog.action,
      target: staffAuditLog.target,
      detail: staffAuditLog.detail,
      createdAt: staffAuditLog.createdAt,
    })
    .from(staffAuditLog)
    .innerJoin(staffUsers, eq(staffUsers.id, staffAuditLog.staffId))
    .where(where)
    .orderBy(desc(staffAuditLog.createdAt), desc(staffAuditLog.id))
    .offset(page.offset)
    .limit(page.limit)
  const limited = db.select({ one: sql`1` }).from(staffAuditLog).where(where).limit(AUDIT_COUNT_LIMIT + 1).as('limited')
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(limited)
  const n = counted?.n ?? 0
  return { rows, total: Math.min(n, AUDIT_COUNT_LIMIT), capped: n > AUDIT_COUNT_LIMIT }
}
