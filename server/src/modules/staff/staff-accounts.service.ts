import type { StaffAccount, StaffAccountPage, StaffOneTimePassword } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { staffUsers, type StaffRole } from '../../db/schema/staff.ts'
import { hashPassword } from '../auth/auth.public.ts'
import { recordStaffAction } from './audit.repository.ts'
import { StaffAccountNotFoundError, StaffForbiddenError, StaffUsernameTakenError } from './staff.errors.ts'
import { findStaffById, findStaffByUsername, listStaff, updateStaff, type StaffRow } from './staff.repository.ts'
import { generateStaffPassword } from './staff.service.ts'
import { endStaffSessions } from './staff-sessions.repository.ts'

/** What an admin sees of an account: never its hashes or secrets. */
export function staffAccountView(row: StaffRow): StaffAccount {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    totpEnrolled: row.totpSecretSealed !== null,
    mustChangePassword: row.mustChangePassword,
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
  }
}

export async function listStaffAccounts(db: AppDb, page: number, pageSize: number): Promise<StaffAccountPage> {
  const { rows, total } = await listStaff(db, page, pageSize)
  return { items: rows.map(staffAccountView), total, page, pageSize }
}

/**
 * 新建账号: a one-time password, shown once to the admin, that the new member replaces at first
 * sign-in (after setting up the authenticator). Audited with the role, never the password.
 */
export async function createStaffAccount(db: AppDb, adminId: number, input: { username: string; role: StaffRole }, now: Date): Promise<StaffOneTimePassword> {
  if (await findStaffByUsername(db, input.username)) throw new StaffUsernameTakenError(input.username)
  const oneTimePassword = generateStaffPassword()
  const passwordHash = await hashPassword(oneTimePassword)
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(staffUsers)
      .values({ username: input.username, passwordHash, role: input.role, mustChangePassword: true, createdAt: now })
      .onConflictDoNothing()
      .returning()
    if (!created) throw new StaffUsernameTakenError(input.username)
    await recordStaffAction(tx, { staffId: adminId, action: 'staff.create', target: `staff:${created.id}`, detail: { role: input.role } }, now)
    return created
  })
  return { account: staffAccountView(row), oneTimePassword }
}

async function otherAccount(db: AppDb, adminId: number, id: number): Promise<StaffRow> {
  // An admin cannot lock themselves out (disable, reset) through the console.
  if (id === adminId) throw new StaffForbiddenError()
  const row = await findStaffById(db, id)
  if (!row) throw new StaffAccountNotFoundError()
  return row
}

/** 停用 / 启用. Disabling ends the account's sessions at once. */
export async function setStaffDisabled(db: AppDb, adminId: number, id: number, disabled: boolean, now: Date): Promise<void> {
  await otherAccount(db, adminId, id)
  await db.transaction(async (tx) => {
    await updateStaff(tx, id, { disabledAt: disabled ? now : null })
    if (disabled) await endStaffSessions(tx, id, 'disabled', now)
    await recordStaffAction(tx, { staffId: adminId, action: disabled ? 'staff.disable' : 'staff.enable', target: `staff:${id}` }, now)
  })
}

/** 重置密码: a new one-time password; the account's sessions end and it must set its own at next sign-in. */
export async function resetStaffPassword(db: AppDb, adminId: number, id: number, now: Date): Promise<StaffOneTimePassword> {
  await otherAccount(db, adminId, id)
  const oneTimePassword = generateStaffPassword()
  const passwordHash = await hashPassword(oneTimePassword)
  const row = await db.transaction(async (tx) => {
    const updated = await updateStaff(tx, id, { passwordHash, mustChangePassword: true })
    await endStaffSessions(tx, id, 'password_reset', now)
    await recordStaffAction(tx, { staffId: adminId, action: 'staff.reset_password', target: `staff:${id}` }, now)
    return updated as StaffRow
  })
  return { account: staffAccountView(row), oneTimePassword }
}

/** 重置身份验证器 (a lost phone): the next sign-in shows a new QR code; sessions end. */
export async function resetStaffTotp(db: AppDb, adminId: number, id: number, now: Date): Promise<void> {
  await otherAccount(db, adminId, id)
  await db.transaction(async (tx) => {
    await updateStaff(tx, id, { totpSecretSealed: null, totpPendingSealed: null, totpLastStep: null })
    await endStaffSessions(tx, id, 'totp_reset', now)
    await recordStaffAction(tx, { staffId: adminId, action: 'staff.reset_totp', target: `staff:${id}` }, now)
  })
}
