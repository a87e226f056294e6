import { eq } from 'drizzle-orm'
import { passwordProblem, type ChangePasswordBody } from '@app/shared'
import { users } from '../../db/schema.ts'
import { CurrentPasswordWrongError, PasswordWeakError } from './auth.errors.ts'
import type { AuthDeps } from './auth.service.ts'
import { hashPassword, verifyPassword } from './password-hash.ts'
import { loadUser } from './auth.service.ts'

/**
 * 修改密码 for a signed-in learner, and the required first step of an account staff created with
 * a one-time initial password (ACC-5): it clears `mustChangePassword`. The new password must differ
 * from the one it replaces, so the password that travelled by SMS stops working.
 */
export async function changePassword(deps: Pick<AuthDeps, 'db'>, userId: number, body: ChangePasswordBody, now: Date): Promise<void> {
  const user = await loadUser(deps, userId)
  if (!(await verifyPassword(body.currentPassword, user.passwordHash))) throw new CurrentPasswordWrongError()
  const weak = passwordProblem(body.newPassword, { idNumber: user.idNumber, phone: user.phone })
  if (weak) throw new PasswordWeakError(weak)
  if (body.newPassword === body.currentPassword) throw new PasswordWeakError('新密码不能与当前密码相同')
  const passwordHash = await hashPassword(body.newPassword)
  await deps.db.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: now }).where(eq(users.id, user.id))
}
