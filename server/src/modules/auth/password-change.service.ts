import { eq } from 'drizzle-orm'
import { passwordProblem, type ChangePasswordBody } from '@app/shared'
import { users } from '../../db/schema.ts'
import { withRetryAfter } from '../../errors.ts'
import { CurrentPasswordWrongError, LoginThrottledError, PasswordWeakError } from './auth.errors.ts'
import type { AuthDeps } from './auth.service.ts'
import { hashPassword, verifyPassword } from './passwords.service.ts'
import { loadUser } from './auth.service.ts'
import { clearAttempts, countAttempt } from './throttle.repository.ts'
import { SIGN_IN_PER_ACCOUNT, throttleKey } from './throttle.rules.ts'

/**
 * 修改密码 for a signed-in learner, and the required first step of an account staff created with
 * a one-time initial password (ACC-5): it clears `mustChangePassword`. The new password must differ
 * from the one it replaces, so the password that travelled by SMS stops working.
 */
export async function changePassword(deps: Pick<AuthDeps, 'db'>, userId: number, body: ChangePasswordBody, now: Date): Promise<void> {
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
  const passwordHash = await hashPassword(body.newPassword)
  await deps.db.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: now }).where(eq(users.id, user.id))
}
