import { eq } from 'drizzle-orm'
import {
  checkIdNumber,
  isMobilePhone,
  maskIdNumber,
  maskPhone,
  normaliseIdNumber,
  normalisePhone,
  passwordProblem,
  type LoginBody,
  type Me,
  type RegisterBody,
  type ResetPasswordBody,
} from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { users, wechatBindings } from '../../db/schema.ts'
import {
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
import { decoyHash, hashPassword, verifyPassword } from './password-hash.ts'
import { revokeAllSessions } from './sessions.service.ts'
import { consumeSmsCode } from './sms-codes.service.ts'
import { ACCOUNT_RULE, ADDRESS_RULE, clearFailures, lockedUntil, recordFailure, throttleKey } from './throttle.ts'
import { findBindingByUser, findUserByAccount, findUserById, type UserRow } from './users.repository.ts'

export interface AuthDeps {
  db: AppDb
  smsHashKey: string
  /** Answers whether the user holds a certificate (their name and ID number are then locked). */
  hasCertificate(userId: number): Promise<boolean>
}

const REAL_NAME = /^[\u4e00-\u9fa5A-Za-z·•．.\s]{2,30}$/

function validRealName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ')
  if (!REAL_NAME.test(name)) throw new RealNameInvalidError()
  return name
}

function validPhone(raw: string): string {
  const phone = normalisePhone(raw)
  if (!isMobilePhone(phone)) throw new PhoneInvalidError()
  return phone
}

/** Postgres unique violations name the constraint; they decide the message when two requests race. */
function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown }
  if (e?.code === '23505') return e.constraint_name ?? e.constraint ?? ''
  return e?.cause ? uniqueViolation(e.cause) : null
}

/** 注册 (ACC-1): validate everything, consume the SMS code, then create the account. */
export async function register(deps: AuthDeps, body: RegisterBody, now: Date): Promise<UserRow> {
  const realName = validRealName(body.realName)
  const id = checkIdNumber(body.idNumber, now)
  if (!id.ok) throw new IdNumberInvalidError(id.message)
  const phone = validPhone(body.phone)
  const weak = passwordProblem(body.password, { idNumber: id.value, phone })
  if (weak) throw new PasswordWeakError(weak)

  // Checked before the code is consumed so a duplicate does not burn it; the unique indexes
  // below still decide when two registrations race.
  const existing = await findUserByAccount(deps.db, { idNumber: id.value, phone })
  if (existing?.idNumber === id.value) throw new IdNumberTakenError()
  if (existing) throw new PhoneTakenError()
  if (!(await consumeSmsCode({ db: deps.db, hashKey: deps.smsHashKey }, { phone, purpose: 'register', code: body.smsCode }, now))) {
    throw new SmsCodeInvalidError()
  }
  const passwordHash = await hashPassword(body.password)
  try {
    const [user] = await deps.db
      .insert(users)
      .values({ realName, idNumber: id.value, phone, passwordHash, createdAt: now, updatedAt: now })
      .returning()
    if (!user) throw new Error('insert returned nothing')
    return user
  } catch (error) {
    const constraint = uniqueViolation(error)
    if (constraint?.includes('id_number')) throw new IdNumberTakenError()
    if (constraint?.includes('phone')) throw new PhoneTakenError()
    throw error
  }
}

/** The ID number (the username) or the phone: whichever the typed account looks like. */
function parseAccount(raw: string): { idNumber?: string; phone?: string } {
  const phone = normalisePhone(raw)
  if (isMobilePhone(phone)) return { phone }
  return { idNumber: normaliseIdNumber(raw) }
}

/**
 * 登录 (ACC-2). Unknown account and wrong password answer the same 「用户名或密码错误」 after the
 * same work; failures are throttled per account and per client address.
 */
export async function login(deps: AuthDeps, body: LoginBody, clientAddress: string, now: Date): Promise<UserRow> {
  const account = parseAccount(body.account)
  const accountKey = throttleKey('account', account.phone ?? account.idNumber ?? '')
  const addressKey = throttleKey('address', clientAddress)
  const locked = await lockedUntil(deps.db, [accountKey, addressKey], now)
  if (locked) throw new LoginThrottledError(String(Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 60_000))))

  const user = await findUserByAccount(deps.db, account)
  const ok = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()))
  if (!user || !ok) {
    await recordFailure(deps.db, accountKey, ACCOUNT_RULE, now)
    await recordFailure(deps.db, addressKey, ADDRESS_RULE, now)
    throw new InvalidCredentialsError()
  }
  await clearFailures(deps.db, accountKey)
  return user
}

/**
 * 忘记密码 (ACC-3): phone + SMS code → new password; every session of the account ends and its
 * sign-in throttle is cleared. Any failure points to customer service.
 */
export async function resetPassword(deps: AuthDeps, body: ResetPasswordBody, now: Date): Promise<UserRow> {
  const phone = validPhone(body.phone)
  const user = await findUserByAccount(deps.db, { phone })
  const weak = passwordProblem(body.newPassword, { idNumber: user?.idNumber, phone })
  if (weak) throw new PasswordWeakError(weak)
  const codeOk = await consumeSmsCode({ db: deps.db, hashKey: deps.smsHashKey }, { phone, purpose: 'reset_password', code: body.smsCode }, now)
  if (!user || !codeOk) throw new ResetFailedError()
  const passwordHash = await hashPassword(body.newPassword)
  const updated = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: user.sessionVersion + 1, updatedAt: now })
      .where(eq(users.id, user.id))
      .returning()
    await revokeAllSessions(tx as unknown as AppDb, user.id, now)
    return row
  })
  await clearFailures(deps.db, throttleKey('account', phone))
  await clearFailures(deps.db, throttleKey('account', user.idNumber))
  if (!updated) throw new ResetFailedError()
  return updated
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
    if (uniqueViolation(error) === null) throw error
    const [row] = await deps.db.select().from(wechatBindings).where(eq(wechatBindings.openid, input.openid))
    if (row?.userId === input.userId) return
    throw new WechatAlreadyBoundError()
  }
}

/** 解除绑定 in 我的. */
export async function unbindWechat(deps: Pick<AuthDeps, 'db'>, userId: number): Promise<void> {
  const removed = await deps.db.delete(wechatBindings).where(eq(wechatBindings.userId, userId)).returning({ id: wechatBindings.id })
  if (removed.length === 0) throw new WechatNotBoundError()
}
