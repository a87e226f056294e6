import { eq } from 'drizzle-orm'
import {
  checkIdNumber,
  isMobilePhone,
  isRealName,
  maskIdNumber,
  maskPhone,
  normaliseIdNumber,
  normalisePhone,
  normaliseRealName,
  passwordProblem,
  type LoginBody,
  type Me,
  type RegisterBody,
  type ResetPasswordBody,
  type SmsPurposeValue,
} from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { users, wechatBindings } from '../../db/schema/users.ts'
import { withRetryAfter } from '../../core/errors.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import {
  AttemptsThrottledError,
  IdNumberInvalidError,
  IdNumberTakenError,
  InvalidCredentialsError,
  LoginThrottledError,
  PasswordWeakError,
  PhoneInvalidError,
  PhoneTakenError,
  RealNameInvalidError,
  ResetFailedError,
  SmsCodeInvalidError,
  WechatAlreadyBoundError,
  WechatNotBoundError,
} from './auth.errors.ts'
import { decoyHash, hashPassword, verifyPassword } from './passwords.service.ts'
import { lockUser, revokeUserSessions } from './sessions.repository.ts'
import { endAllSessions } from './sessions.service.ts'
import { checkSmsCode, consumeSmsCode, issueSmsCode, markSmsCodeUsed, type SmsCodeDeps } from './sms-codes.service.ts'
import { clearAttempts, countAttempt, refundAttempt, type CountedAttempt } from './throttle.repository.ts'
import { CODE_CHECKS_PER_ADDRESS, SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_ADDRESS, throttleKey, type AttemptRule } from './throttle.rules.ts'
import { recordConsents } from './consents.repository.ts'
import { requireConsents } from './consents.service.ts'
import { findBindingByUser, findUserByAccount, findUserById, findUserByPhoneForUpdate, insertUser, type UserRow } from './users.repository.ts'
import { uniqueViolationConstraint } from '../../core/db-errors.ts'

export interface AuthDeps {
  db: AppDb
  smsHashKey: string
  /** Answers whether the user holds a certificate (their name and ID number are then locked). */
  hasCertificate(userId: number): Promise<boolean>
}

export function validRealName(raw: string): string {
  const name = normaliseRealName(raw)
  if (!isRealName(name)) throw new RealNameInvalidError()
  return name
}

function validPhone(raw: string): string {
  const phone = normalisePhone(raw)
  if (!isMobilePhone(phone)) throw new PhoneInvalidError()
  return phone
}

/**
 * 注册 (ACC-1). The form is checked first (nothing there depends on who has an account), then the
 * address's attempt is counted and the SMS code consumed; only then may the answer say that the ID
 * number or phone is taken. So each such answer costs a real code sent to that phone, and stays
 * within the SMS and per-address limits.
 */
export async function register(deps: AuthDeps, body: RegisterBody, clientAddress: string, now: Date): Promise<UserRow> {
  const realName = validRealName(body.realName)
  const id = checkIdNumber(body.idNumber, now)
  if (!id.ok) throw new IdNumberInvalidError(id.message)
  const phone = validPhone(body.phone)
  const weak = passwordProblem(body.password, { idNumber: id.value, phone })
  if (weak) throw new PasswordWeakError(weak)
  requireConsents(body)

  const attempt = await allowAttempt(deps.db, throttleKey('register-address', clientAddress), CODE_CHECKS_PER_ADDRESS, now)
  if (!(await consumeSmsCode({ db: deps.db, hashKey: deps.smsHashKey }, { phone, purpose: 'register', code: body.smsCode }, now))) {
    throw new SmsCodeInvalidError()
  }
  const existing = await findUserByAccount(deps.db, { idNumber: id.value, phone })
  if (existing?.idNumber === id.value) throw new IdNumberTakenError()
  if (existing) throw new PhoneTakenError()
  const passwordHash = await hashPassword(body.password)
  try {
    // The account and its two consents (policy version, time) are written together.
    const user = await deps.db.transaction(async (tx) => {
      const inserted = await insertUser(tx, { realName, idNumber: id.value, phone, passwordHash, createdAt: now, updatedAt: now })
      await recordConsents(tx, inserted.id, 'register', now)
      return inserted
    })
    // Colleagues registering from one office address: only failures count against it.
    await refundAttempt(deps.db, attempt)
    return user
  } catch (error) {
    // Two registrations racing: the unique blind indexes decide (users_id_number_index_unique, users_phone_index_unique).
    const constraint = uniqueViolationConstraint(error)
    if (constraint?.includes('id_number')) throw new IdNumberTakenError()
    if (constraint?.includes('phone')) throw new PhoneTakenError()
    throw error
  }
}

/** Counts one attempt for the key, refusing with 429 and the wait when it is over the rule. */
async function allowAttempt(db: AppDb, key: string, rule: AttemptRule, now: Date): Promise<CountedAttempt> {
  const attempt = await countAttempt(db, key, rule, now)
  if (!attempt.allowed) throw withRetryAfter(new AttemptsThrottledError(String(Math.ceil(attempt.retryAfterSeconds / 60))), attempt.retryAfterSeconds)
  return attempt
}

/** The ID number (the username) or the phone: whichever the typed account looks like. */
function parseAccount(raw: string): { idNumber?: string; phone?: string } {
  const phone = normalisePhone(raw)
  if (isMobilePhone(phone)) return { phone }
  return { idNumber: normaliseIdNumber(raw) }
}

/**
 * 登录 (ACC-2). Before any password is checked, one attempt is counted for the client address and
 * one for the account — the account itself, whichever identifier was typed (an unknown identifier
 * is counted under itself, so it locks the same way and reveals nothing). Over either limit the
 * answer is 429 without checking the password. A success gives the address its attempt back and
 * clears the account's count. Unknown account and wrong password answer the same
 * 「用户名或密码错误」 after the same work (a decoy hash).
 *
 * A locked account is not locked out: 忘记密码 (an SMS code to the account's phone) always works
 * and clears the count, and a bound WeChat signs in without a password. See docs/security.md.
 */
export async function login(deps: AuthDeps, body: LoginBody, clientAddress: string, now: Date): Promise<UserRow> {
  const account = parseAccount(body.account)
  const user = await findUserByAccount(deps.db, account)
  const addressAttempt = await countAttempt(deps.db, throttleKey('address', clientAddress), SIGN_IN_PER_ADDRESS, now)
  const accountKey = user ? throttleKey('user', String(user.id)) : throttleKey('account', account.phone ?? account.idNumber ?? '')
  const accountAttempt = addressAttempt.allowed ? await countAttempt(deps.db, accountKey, SIGN_IN_PER_ACCOUNT, now) : addressAttempt
  if (!accountAttempt.allowed) {
    const wait = accountAttempt.retryAfterSeconds
    throw withRetryAfter(new LoginThrottledError(String(Math.ceil(wait / 60))), wait)
  }

  const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()))
  if (!user || !ok) throw new InvalidCredentialsError()
  await refundAttempt(deps.db, addressAttempt)
  await clearAttempts(deps.db, accountKey)
  return user
}

/**
 * 忘记密码 (ACC-3): phone + SMS code → new password; every session of the account ends and its
 * sign-in count is cleared. The SMS code is checked before anything that depends on the account:
 * without the code every failure is the same RESET_FAILED (pointing to customer service), whether
 * or not the phone has an account. Only a holder of the code learns that the new password must
 * not contain the account's ID number, and the code is then kept for the corrected try.
 */
export async function resetPassword(deps: AuthDeps, body: ResetPasswordBody, clientAddress: string, now: Date): Promise<UserRow> {
  const phone = validPhone(body.phone)
  const generalProblem = passwordProblem(body.newPassword, { phone })
  if (generalProblem) throw new PasswordWeakError(generalProblem)
  const attempt = await allowAttempt(deps.db, throttleKey('reset-address', clientAddress), CODE_CHECKS_PER_ADDRESS, now)
  // Hashed before the transaction (slow; no lock held meanwhile), whatever the outcome.
  const passwordHash = await hashPassword(body.newPassword)

  const outcome = await deps.db.transaction(async (tx) => {
    const check = await checkSmsCode(tx, deps.smsHashKey, { phone, purpose: 'reset_password', code: body.smsCode }, now)
    if (check.result !== 'ok' || check.codeId === undefined) return { kind: 'failed' as const }
    const user = await findUserByPhoneForUpdate(tx as unknown as AppDb, phone)
    if (!user) return { kind: 'failed' as const }
    const weak = passwordProblem(body.newPassword, { idNumber: user.idNumber, phone })
    if (weak) return { kind: 'weak' as const, message: weak }
    await markSmsCodeUsed(tx, check.codeId, now)
    const [row] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: user.sessionVersion + 1, updatedAt: now })
      .where(eq(users.id, user.id))
      .returning({ id: users.id })
    await endAllSessions(tx, user.id, 'password_reset', now)
    return row ? { kind: 'reset' as const, user: { ...user, passwordHash, sessionVersion: user.sessionVersion + 1, updatedAt: now } } : { kind: 'failed' as const }
  })
  if (outcome.kind === 'weak') throw new PasswordWeakError(outcome.message)
  if (outcome.kind !== 'reset') throw new ResetFailedError()
  await refundAttempt(deps.db, attempt)
  await clearAttempts(deps.db, throttleKey('user', String(outcome.user.id)))
  return outcome.user
}

/**
 * 获取验证码. For 忘记密码, a phone without an account gets the same answer and the same limits,
 * but no message (see issueSmsCode): the answer does not tell whether the phone is registered.
 */
export async function sendSmsCode(
  deps: AuthDeps & { sms: SmsProvider; log: SmsCodeDeps['log'] },
  body: { phone: string; purpose: SmsPurposeValue },
  clientAddress: string,
  now: Date,
) {
  const phone = validPhone(body.phone)
  const deliver = body.purpose === 'register' || !!(await findUserByAccount(deps.db, { phone }))
  return issueSmsCode(
    { db: deps.db, provider: deps.sms, hashKey: deps.smsHashKey, log: deps.log },
    { phone, purpose: body.purpose, clientKey: throttleKey('address', clientAddress), deliver },
    now,
  )
}

export async function describeMe(deps: AuthDeps, user: UserRow): Promise<Me> {
  const [binding, locked] = await Promise.all([findBindingByUser(deps.db, user.id), deps.hasCertificate(user.id)])
  return {
    id: user.id,
    realName: user.realName,
    idNumberMasked: maskIdNumber(user.idNumber),
    phoneMasked: maskPhone(user.phone),
    wechatBound: !!binding,
    certificateDataLocked: locked,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
  }
}

export async function loadUser(deps: Pick<AuthDeps, 'db'>, userId: number): Promise<UserRow> {
  const user = await findUserById(deps.db, userId)
  if (!user) throw new InvalidCredentialsError()
  return user
}

/**
 * Binds an openid to an account (one ↔ one). Binding the same pair again is a no-op; an openid
 * bound elsewhere, or an account bound to another openid, is refused.
 */
export async function bindWechat(deps: Pick<AuthDeps, 'db'>, input: { appId: string; openid: string; userId: number }): Promise<void> {
  try {
    await deps.db.insert(wechatBindings).values(input)
  } catch (error) {
    if (uniqueViolationConstraint(error) === null) throw error
    const [row] = await deps.db.select().from(wechatBindings).where(eq(wechatBindings.openid, input.openid))
    if (row?.userId === input.userId) return
    throw new WechatAlreadyBoundError()
  }
}

/**
 * 解除绑定 in 我的. The sessions other devices opened through WeChat sign-in end with it (that
 * WeChat may be someone else's phone); sessions opened with the password stay, and so does the
 * device that asked, whichever way it signed in. The user's row is locked first, so a WeChat
 * sign-in racing the unbinding either ends here or finds no binding (see openSession).
 */
export async function unbindWechat(deps: Pick<AuthDeps, 'db'>, userId: number, currentSessionId: string, now: Date): Promise<void> {
  const removed = await deps.db.transaction(async (tx) => {
    await lockUser(tx, userId, 'update')
    const rows = await tx.delete(wechatBindings).where(eq(wechatBindings.userId, userId)).returning({ id: wechatBindings.id })
    if (rows.length > 0) await revokeUserSessions(tx, userId, { except: currentSessionId, signedInWith: 'wechat' }, 'wechat_unbound', now)
    return rows.length
  })
  if (removed === 0) throw new WechatNotBoundError()
}
