import { randomBytes } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { staffUsers, type StaffRole } from '../../db/schema.ts'
import { decoyHash, hashPassword, verifyPassword } from '../auth/auth.public.ts'
import { clearAttempts, countAttempt, refundAttempt } from '../auth/throttle.repository.ts'
import { SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_ADDRESS, throttleKey } from '../auth/throttle.rules.ts'
import { recordStaffAction } from './staff.audit.ts'
import { StaffInvalidCredentialsError, StaffSignInThrottledError, StaffUsernameTakenError } from './staff.errors.ts'
import { findStaffByUsername, type StaffRow } from './staff.repository.ts'

export const STAFF_USERNAME = /^[a-z][a-z0-9._-]{2,31}$/
export const STAFF_PASSWORD_MIN_LENGTH = 12

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

/** Creates a staff account, or sets a new password (and role, when given) for an existing one, ending its tokens. */
export async function saveStaffUser(
  db: AppDb,
  input: { username: string; password: string; role?: StaffRole; resetExisting: boolean },
): Promise<{ staff: StaffRow; created: boolean }> {
  const passwordHash = await hashPassword(input.password)
  const existing = await findStaffByUsername(db, input.username)
  if (existing) {
    if (!input.resetExisting) throw new StaffUsernameTakenError(input.username)
    const [staff] = await db
      .update(staffUsers)
      .set({ passwordHash, role: input.role ?? existing.role, tokenVersion: sql`${staffUsers.tokenVersion} + 1`, disabledAt: null })
      .where(eq(staffUsers.id, existing.id))
      .returning()
    return { staff: staff as StaffRow, created: false }
  }
  const [staff] = await db.insert(staffUsers).values({ username: input.username, passwordHash, role: input.role ?? 'operator' }).returning()
  return { staff: staff as StaffRow, created: true }
}

/**
 * Staff sign-in, throttled per account and per client address like the learners' (the same
 * database-backed counters, under keys of their own), and audited.
 */
export async function signInStaff(db: AppDb, username: string, password: string, clientAddress: string, now: Date): Promise<StaffRow> {
  const accountKey = throttleKey('account', `staff:${username}`)
  const addressKey = throttleKey('address', `staff:${clientAddress}`)
  // Counted before the password is checked, atomically, so parallel guesses cannot slip past.
  const addressAttempt = await countAttempt(db, addressKey, SIGN_IN_PER_ADDRESS, now)
  const accountAttempt = addressAttempt.allowed ? await countAttempt(db, accountKey, SIGN_IN_PER_ACCOUNT, now) : addressAttempt
  if (!accountAttempt.allowed) throw new StaffSignInThrottledError(String(Math.max(1, Math.ceil(accountAttempt.retryAfterSeconds / 60))))
  const staff = await findStaffByUsername(db, username)
  // Unknown and disabled accounts take as long to refuse as a wrong password.
  const ok = await verifyPassword(password, staff?.passwordHash ?? (await decoyHash()))
  if (!staff || !ok || staff.disabledAt) throw new StaffInvalidCredentialsError()
  await refundAttempt(db, addressAttempt)
  await clearAttempts(db, accountKey)
  await recordStaffAction(db, { staffId: staff.id, action: 'staff.sign_in', target: `staff:${staff.id}` }, now)
  return staff
}
