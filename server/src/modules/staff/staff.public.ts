/** What other features may use from staff: who the signed-in staff member is, and the audit trail (OPS-5). */
export { recordStaffAction } from './audit.repository.ts'
export { currentStaff, type StaffPrincipal } from './staff.guard.ts'
