import type { AuditLogPage, AuditLogQuery } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { listStaffActions } from '../staff/audit.read-model.ts'

/** 审计日志: one page of staff actions, newest first (docs/staff.md, "Audit"). */
export async function auditLog(db: AppDb, query: AuditLogQuery): Promise<AuditLogPage> {
  const page = query.page ?? 1
  const pageSize = query.pageSize ?? 20
  const filter = {
    staffId: query.staffId,
    action: query.action,
    target: query.target,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
  }
  const { rows, total, capped } = await listStaffActions(db, filter, { offset: (page - 1) * pageSize, limit: pageSize })
  return { items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })), total, totalCapped: capped, page, pageSize }
}
