import { randomBytes } from 'node:crypto'
import { STAFF_IDLE_MINUTES, STAFF_SESSION_MAX_HOURS, type StaffSession, type StaffSignInNextStep } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { staffUsers, type StaffRole } from '../../db/schema/staff.ts'
import { open, seal } from '../../crypto/personal-data.ts'
import { decoyHash, hashPassword, verifyPassword } from '../auth/auth.public.ts'
import { clearAttempts, countAttempt, refundAttempt, type CountedAttempt } from '../auth/throttle.repository.ts'
import { SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_ADDRESS, throttleKey } from '../auth/throttle.rules.ts'
import { recordStaffAction } from './audit.repository.ts'
import {
  StaffCurrentPasswordWrongError,
  StaffInvalidCredentialsError,
  StaffPasswordWeakError,
  StaffSignInThrottledError,
  StaffTotpInvalidError,
  StaffUnauthorizedError,
  StaffUsernameTakenError,
} from './staff.errors.ts'
import { claimTotpStep, findStaffById, findStaffByUsername, nextTokenVersion, updateStaff, type StaffRow } from './staff.repository.ts'
import { endStaffSessions, findStaffSession, insertStaffSession, touchStaffSession } from './staff-sessions.repository.ts'
import { matchTotp, newTotpSecret, otpauthUri } from './totp.rules.ts'

export const STAFF_USERNAME = /^[a-z][a-z0-9._-]{2,31}$/
export const STAFF_PASSWORD_MIN_LENGTH = 12
/** The issuer an authenticator app shows beside the account. */
export const TOTP_ISSUER = '继续教育管理后台'
export const STAFF_IDLE_MS = STAFF_IDLE_MINUTES * 60_000
export const STAFF_SESSION_MAX_MS = STAFF_SESSION_MAX_HOURS * 3_600_000

/** Why a staff password is refused, or null. Staff passwords guard every learner's data: long ones. */
export function staffPasswordProblem(password: string): string | null {
  if (password.length < STAFF_PASSWORD_MIN_LENGTH) return `staff passwords need at least ${STAFF_PASSWORD_MIN_LENGTH} characters`
  if (password.length > 128) return 'staff passwords are at most 128 characters'
  if (/\s/.test(password)) return 'staff passwords cannot contain spaces'
  return null
}

/** 20 random URL-safe characters (120 bits). */
export function generateStaffPassword(): string {
  return randomBytes(15).toString('base64url')
}

/**
 * Creates a staff account (the `create-staff` command), or sets a new password (and role, when
 * given) for an existing one, ending its sessions; `resetTotp` also makes it set up its
 * authenticator again at the next sign-in.
 */
export async function saveStaffUser(
  db: AppDb,
  input: { username: string; password: string; role?: StaffRole; resetExisting: boolean; resetTotp?: boolean; now?: Date },
): Promise<{ staff: StaffRow; created: boolean }> {
  const now = input.now ?? new Date()
  const passwordHash = await hashPassword(input.password)
  const existing = await findStaffByUsername(db, input.username)
  if (existing) {
    if (!input.resetExisting) throw new StaffUsernameTakenError(input.username)
    return db.transaction(async (tx) => {
      const totp = input.resetTotp ? { totpSecretSealed: null, totpPendingSealed: null, totpLastStep: null } : {}
      const staff = await updateStaff(tx, existing.id, { passwordHash, role: input.role ?? existing.role, tokenVersion: nextTokenVersion, disabledAt: null, ...totp })
      await endStaffSessions(tx, existing.id, 'password_reset', now)
      return { staff: staff as StaffRow, created: false }
    })
  }
  const [staff] = await db.insert(staffUsers).values({ username: input.username, passwordHash, role: input.role ?? 'operator' }).returning()
  return { staff: staff as StaffRow, created: true }
}

interface Throttled {
  accountKey: string
  addressAttempt: CountedAttempt
}

/** Counted before the password is checked, atomically, so parallel guesses cannot slip past. */
async function countSignInAttempt(db: AppDb, username: string, clientAddress: string, now: Date): Promise<Throttled> {
  const accountKey = throttleKey('account', `staff:${username}`)
  const addressAttempt = await countAttempt(db, throttleKey('address', `staff:${clientAddress}`), SIGN_IN_PER_ADDRESS, now)
  const accountAttempt = addressAttempt.allowed ? await countAttempt(db, accountKey, SIGN_IN_PER_ACCOUNT, now) : addressAttempt
  if (!accountAttempt.allowed) throw new StaffSignInThrottledError(String(Math.max(1, Math.ceil(accountAttempt.retryAfterSeconds / 60))))
  return { accountKey, addressAttempt }
}

/**
 * Checks a code against the account's authenticator (or the one being set up) and claims its
 * step: a code used once is refused for the rest of its window.
 */
async function checkTotp(db: AppDb, staff: StaffRow, sealedSecret: string, code: string, now: Date): Promise<void> {
  const step = matchTotp(open('staff_totp', sealedSecret), code, now)
  if (step === null || !(await claimTotpStep(db, staff.id, step))) throw new StaffTotpInvalidError()
}

function sessionAnswer(staff: StaffRow, token: string, expiresAt: Date): StaffSession {
  return {
    token,
    staff: { id: staff.id, username: staff.username, role: staff.role, mustChangePassword: staff.mustChangePassword },
    idleMinutes: STAFF_IDLE_MINUTES,
    expiresAt: expiresAt.toISOString(),
  }
}

/**
 * Staff sign-in (docs/staff.md): password, then the authenticator's code — set up with a QR code
 * at the first sign-in. Throttled per account and per address like the learners' sign-in (a wrong
 * code counts as a failure too); a session starts only when both factors passed, and is audited.
 */
export async function signInStaff(
  db: AppDb,
  input: { username: string; password: string; totpCode?: string | undefined },
  clientAddress: string,
  now: Date,
): Promise<StaffSession | StaffSignInNextStep> {
  const throttled = await countSignInAttempt(db, input.username, clientAddress, now)
  const found = await findStaffByUsername(db, input.username)
  // Unknown and disabled accounts take as long to refuse as a wrong password.
  const ok = await verifyPassword(input.password, found?.passwordHash ?? (await decoyHash()))
  if (!found || !ok || found.disabledAt) throw new StaffInvalidCredentialsError()
  await refundAttempt(db, throttled.addressAttempt)
  let staff = found

  if (!staff.totpSecretSealed) {
    if (!staff.totpPendingSealed) staff = (await updateStaff(db, staff.id, { totpPendingSealed: seal('staff_totp', newTotpSecret()) })) ?? staff
    const pending = staff.totpPendingSealed as string
    if (input.totpCode === undefined) {
      const secret = open('staff_totp', pending)
      return { next: 'totp_setup', otpauthUri: otpauthUri(secret, TOTP_ISSUER, staff.username), secret }
    }
    await checkTotp(db, staff, pending, input.totpCode, now)
    staff = (await updateStaff(db, staff.id, { totpSecretSealed: pending, totpPendingSealed: null })) ?? staff
  } else {
    if (input.totpCode === undefined) return { next: 'totp' }
    await checkTotp(db, staff, staff.totpSecretSealed, input.totpCode, now)
  }

  await clearAttempts(db, throttled.accountKey)
  const expiresAt = new Date(now.getTime() + STAFF_SESSION_MAX_MS)
  const { token } = await db.transaction(async (tx) => {
    const session = await insertStaffSession(tx, staff.id, now, expiresAt)
    await updateStaff(tx, staff.id, { lastSignInAt: now })
    await recordStaffAction(tx, { staffId: staff.id, action: 'staff.sign_in', target: `staff:${staff.id}` }, now)
    return session
  })
  return sessionAnswer(staff, token, expiresAt)
}

/**
 * 解锁: a session locked after 15 idle minutes continues (same token, the console's page kept)
 * once the password and a fresh code are typed; throttled like sign-in. Ended or expired
 * sessions, and disabled accounts, cannot be unlocked: sign in again.
 */
export async function unlockStaffSession(
  db: AppDb,
  token: string,
  input: { password: string; totpCode: string },
  clientAddress: string,
  now: Date,
): Promise<StaffSession> {
  const found = await findStaffSession(db, token)
  if (!found || found.session.endedAt || found.session.expiresAt <= now || found.staff.disabledAt || !found.staff.totpSecretSealed) throw new StaffUnauthorizedError()
  const { staff, session } = found
  const throttled = await countSignInAttempt(db, staff.username, clientAddress, now)
  if (!(await verifyPassword(input.password, staff.passwordHash))) throw new StaffInvalidCredentialsError()
  await refundAttempt(db, throttled.addressAttempt)
  await checkTotp(db, staff, staff.totpSecretSealed as string, input.totpCode, now)
  await clearAttempts(db, throttled.accountKey)
  await db.transaction(async (tx) => {
    await touchStaffSession(tx, session.id, now)
    await recordStaffAction(tx, { staffId: staff.id, action: 'staff.unlock', target: `staff:${staff.id}` }, now)
  })
  return sessionAnswer(staff, token, session.expiresAt)
}

/** 修改密码 (also the forced change after a one-time password): other sessions of the account end. */
export async function changeOwnStaffPassword(
  db: AppDb,
  who: { staffId: number; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  now: Date,
): Promise<void> {
  const staff = await findStaffById(db, who.staffId)
  if (!staff) throw new StaffUnauthorizedError()
  if (!(await verifyPassword(input.currentPassword, staff.passwordHash))) throw new StaffCurrentPasswordWrongError()
  if (staffPasswordProblem(input.newPassword)) throw new StaffPasswordWeakError('新密码至少 12 位，且不能包含空格')
  if (input.newPassword === input.currentPassword) throw new StaffPasswordWeakError('新密码不能与当前密码相同')
  const passwordHash = await hashPassword(input.newPassword)
  await db.transaction(async (tx) => {
    await updateStaff(tx, staff.id, { passwordHash, mustChangePassword: false })
    await endStaffSessions(tx, staff.id, 'password_changed', now, who.sessionId)
    await recordStaffAction(tx, { staffId: staff.id, action: 'staff.change_password', target: `staff:${staff.id}` }, now)
  })
}
