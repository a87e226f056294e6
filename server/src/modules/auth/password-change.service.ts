import { eq } from 'drizzle-orm'
import { passwordProblem, type ChangePasswordBody } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { users } from '../../db/schema/users.ts'
import { withRetryAfter } from '../../core/errors.ts'
import { sessionEndedError } from '../../plugins/auth.errors.ts'
import { CurrentPasswordWrongError, LoginThrottledError, PasswordWeakError } from './auth.errors.ts'
import type { AuthDeps } from './auth.service.ts'
import { hashPassword, verifyPassword } from './passwords.service.ts'
import { loadUser } from './auth.service.ts'
import { lockSession, lockUser, type Db } from './sessions.repository.ts'
import { endAllSessions, endOtherSessions } from './sessions.service.ts'
import { clearAttempts, countAttempt } from './throttle.repository.ts'
import { SIGN_IN_PER_ACCOUNT, throttleKey } from './throttle.rules.ts'
import { recordPasswordResetNotice } from '../notices/notices.public.ts'

/**
 * 修改密码 for a signed-in learner, and the required first step of an account staff created with
 * a one-time initial password (ACC-5): it clears `mustChangePassword`. The new password must differ
 * from the one it replaces, so the password that travelled by SMS stops working.
 *
 * Every other session of the account ends in the same transaction (whoever knew the old password
 * is signed out everywhere); the device that asked stays signed in. Returns how many ended.
 */
export async function changePassword(deps: Pick<AuthDeps, 'db'>, userId: number, currentSessionId: string, body: ChangePasswordBody, now: Date): Promise<number> {
  const user = await loadUser(deps, userId)
  // The current-password check counts against the account like a sign-in: a stolen access token
  // must not become an unthrottled way to guess the password.
  const accountKey = throttleKey('user', String(user.id))
  const attempt = await countAttempt(deps.db, accountKey, SIGN_IN_PER_ACCOUNT, now)
  if (!attempt.allowed) throw withRetryAfter(new LoginThrottledError(String(Math.ceil(attempt.retryAfterSeconds / 60))), attempt.retryAfterSeconds)
  if (!(await verifyPassword(body.currentPassword, user.passwordHash))) throw new CurrentPasswordWrongError()
  await clearAttempts(deps.db, accountKey)
  const weak = passwordProblem(body.newPassword, { idNumber: user.idNumber, phone: user.phone })
  if (weak) throw new PasswordWeakError(weak)
  if (body.newPassword === body.currentPassword) throw new PasswordWeakError('新密码不能与当前密码相同')
  // Hashed before the transaction (slow; no lock held meanwhile).
  const passwordHash = await hashPassword(body.newPassword)

  return deps.db.transaction(async (tx) => {
    // The user's row first, as every sign-in (shared) and every revocation (exclusive) does: a
    // sign-in with the old password that has not committed yet is refused, one that has is ended.
    const locked = await lockUser(tx, user.id, 'update')
    // Another change or reset got in since the check above: the password given is no longer current.
    if (!locked || locked.passwordHash !== user.passwordHash) throw new CurrentPasswordWrongError()
    // The asking device itself may have been signed out meanwhile (解除绑定 elsewhere, say).
    const asking = await lockSession(tx, currentSessionId, user.id)
    if (!asking || asking.revokedAt) throw sessionEndedError(asking?.revokedReason)
    await tx.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: now }).where(eq(users.id, user.id))
    return endOtherSessions(tx, user.id, currentSessionId, 'password_changed', now)
  })
}

/**
 * A password set for a learner by staff (customer service resetting a forgotten password over the
 * phone). It is an initial password again: the learner must replace it at the next sign-in (ACC-5).
 * Every session of the account ends at once, access and refresh tokens alike; those devices are
 * told 「您的密码已由工作人员重置…」. Returns how many sessions ended. The staff console calls this;
 * the caller checks the staff member's role and writes the audit entry.
 */
export async function resetPasswordByStaff(
  db: AppDb,
  userId: number,
  newPassword: string,
  now: Date,
  /** Runs inside the reset's transaction (the staff audit record), so both commit or neither. */
  alsoInTransaction?: (tx: Db) => Promise<void>,
): Promise<number> {
  const user = await loadUser({ db }, userId)
  const weak = passwordProblem(newPassword, { idNumber: user.idNumber, phone: user.phone })
  if (weak) throw new PasswordWeakError(weak)
  const passwordHash = await hashPassword(newPassword)
  const ended = await db.transaction(async (tx) => {
    await lockUser(tx, user.id, 'update')
    await tx.update(users).set({ passwordHash, mustChangePassword: true, updatedAt: now }).where(eq(users.id, user.id))
    await recordPasswordResetNotice(tx, user.id, now)
    const ended = await endAllSessions(tx, user.id, 'staff_password_reset', now)
    await alsoInTransaction?.(tx)
    return ended
  })
  // A lock from guesses does not outlive the reset (as with 忘记密码).
  await clearAttempts(db, throttleKey('user', String(user.id)))
  return ended
}
