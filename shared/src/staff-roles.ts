// Plain TypeScript, no TypeBox: the staff console imports this at run time (`@app/shared/staff-roles`).

/** Staff roles (docs/staff.md says which does what). admin passes every role check. */
export const STAFF_ROLES = ['operator', 'finance', 'admin'] as const
export type StaffRoleName = (typeof STAFF_ROLES)[number]

/** The roles' names as staff know them. */
export const STAFF_ROLE_LABELS: Record<StaffRoleName, string> = {
  operator: '客服',
  finance: '财务',
  admin: '管理员',
}

/** Minutes without a request after which a console session locks (re-enter password and code). */
export const STAFF_IDLE_MINUTES = 15
/** Hours after sign-in when a session ends however active it is. */
export const STAFF_SESSION_MAX_HOURS = 12
