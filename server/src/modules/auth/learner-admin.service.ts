import { eq } from 'drizzle-orm'
import { checkIdNumber, isMobilePhone, normalisePhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { users, wechatBindings } from '../../db/schema/users.ts'
import { uniqueViolationConstraint } from '../../core/db-errors.ts'
import { blindIndex, seal } from '../../crypto/personal-data.ts'
import { IdNumberInvalidError, IdNumberTakenError, PhoneInvalidError, PhoneTakenError, WechatNotBoundError } from './auth.errors.ts'
import { validRealName } from './auth.service.ts'
import { lockUser, revokeUserSessions, type Db } from './sessions.repository.ts'
import { endAllSessions } from './sessions.service.ts'
import { recordPhoneChangedNotice } from '../notices/notices.public.ts'

/**
 * Account changes staff make from the console (管理后台 学员, docs/staff.md). Each runs in one
 * transaction with the user's row locked first (as 修改密码 and sign-in do, so a sign-in racing the
 * change either ends with it or sees it), and calls `audit` inside that transaction: the staff
 * audit record commits with the change or not at all. The caller checks the staff member's role.
 */
type Audit = (tx: Db) => Promise<void>


async function inTransaction<T>(db: AppDb, userId: number, work: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      if (!(await lockUser(tx, userId, 'update'))) throw new Error(`user ${userId} vanished`)
      return work(tx)
    })
  } catch (error) {
    // Two changes racing: the unique blind indexes decide (users_id_number_index_unique, users_phone_index_unique).
    const constraint = uniqueViolationConstraint(error)
    if (constraint?.includes('id_number')) throw new IdNumberTakenError()
    if (constraint?.includes('phone')) throw new PhoneTakenError()
    throw error
  }
}

/** 更换手机号: the new phone must be free; every session ends (the sign-in name changed). */
export async function changePhoneByStaff(db: AppDb, userId: number, rawPhone: string, audit: Audit, now: Date): Promise<void> {
  const phone = normalisePhone(rawPhone)
  if (!isMobilePhone(phone)) throw new PhoneInvalidError()
  await inTransaction(db, userId, async (tx) => {
    await tx.update(users).set({ phoneSealed: seal('phone', phone), phoneIndex: blindIndex('phone', phone), legacyPhone: null, updatedAt: now }).where(eq(users.id, userId))
    await recordPhoneChangedNotice(tx, userId, now)
    await endAllSessions(tx, userId, 'staff_account_changed', now)
    await audit(tx)
  })
}

/** 解除微信绑定 for a learner who lost that WeChat: the sessions opened through it end. */
export async function unbindWechatByStaff(db: AppDb, userId: number, audit: Audit, now: Date): Promise<void> {
  await inTransaction(db, userId, async (tx) => {
    const removed = await tx.delete(wechatBindings).where(eq(wechatBindings.userId, userId)).returning({ id: wechatBindings.id })
    if (removed.length === 0) throw new WechatNotBoundError()
    await revokeUserSessions(tx, userId, { signedInWith: 'wechat' }, 'wechat_unbound', now)
    await audit(tx)
  })
}

/** 停用 / 启用. Disabling ends every session; sign-in is refused until enabled (sessions.service openSession). */
export async function setDisabledByStaff(db: AppDb, userId: number, disabled: boolean, audit: Audit, now: Date): Promise<void> {
  await inTransaction(db, userId, async (tx) => {
    await tx.update(users).set({ disabledAt: disabled ? now : null, updatedAt: now }).where(eq(users.id, userId))
    if (disabled) await endAllSessions(tx, userId, 'staff_account_changed', now)
    await audit(tx)
  })
}

/**
 * 更正个人信息 (姓名, 身份证号) while no certificate holds them (ACC-6): `hasCertificate` is asked
 * inside the transaction, after the lock. Sessions end: the account's identity changed.
 */
export async function correctIdentityByStaff(
  db: AppDb,
  userId: number,
  input: { realName: string; idNumber: string },
  hasCertificate: (tx: Db) => Promise<boolean>,
  onCertificate: () => Error,
  audit: Audit,
  now: Date,
): Promise<void> {
  const realName = validRealName(input.realName)
  const id = checkIdNumber(input.idNumber, now)
  if (!id.ok) throw new IdNumberInvalidError(id.message)
  await inTransaction(db, userId, async (tx) => {
    if (await hasCertificate(tx)) throw onCertificate()
    const idNumberSealed = seal('id_number', id.value)
    await tx.update(users).set({ realName, idNumberSealed, idNumberIndex: blindIndex('id_number', id.value), legacyIdNumber: null, updatedAt: now }).where(eq(users.id, userId))
    await endAllSessions(tx, userId, 'staff_account_changed', now)
    await audit(tx)
  })
}
