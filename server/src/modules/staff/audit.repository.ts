import type { AppTx } from '../../db/pipelined-transaction.ts'
import type { AppDb } from '../../db/client.ts'
import { staffAuditLog } from '../../db/schema/staff.ts'

export interface StaffAction {
  staffId: number
  /** Dotted verb: `staff.sign_in`, `group_order.confirm_transfer`, `accounts.bulk_register` … */
  action: string
  /** What was acted on (`order:<out_trade_no>`, `staff:<id>`); no ID numbers, phones or names. */
  target: string
  /** Counts, amounts, references: whatever explains the action later, without personal data. */
  detail?: Record<string, unknown>
}

/**
 * Records a staff action (OPS-5). Call it with the transaction that makes the change, so the
 * change and its record commit or roll back together.
 */
export async function recordStaffAction(tx: AppTx | AppDb, action: StaffAction, now: Date = new Date()): Promise<void> {
  await tx.insert(staffAuditLog).values({ staffId: action.staffId, action: action.action, target: action.target, detail: action.detail ?? {}, createdAt: now })
}
