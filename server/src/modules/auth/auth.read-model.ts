import { desc, eq, inArray, or, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { consents, users, wechatBindings } from '../../db/schema/users.ts'
import { blindIndex, openStored } from '../../crypto/personal-data.ts'
import { openUser } from './users.repository.ts'

/**
 * What other features may read of accounts (docs/architecture.md, "Table owners"): plain rows, ID
 * numbers and phones opened (they are sealed in the table), batched by ids.
 */

export { findUserById, type UserRow } from './users.repository.ts'

/** Accounts holding any of the ID numbers or phones, in one query (never one per row). */
export async function findAccountsByIdNumberOrPhone(db: AppDb, idNumbers: string[], phones: string[]) {
  if (idNumbers.length === 0 && phones.length === 0) return []
  // By blind index, and in clear for rows written before encryption at rest.
  const rows = await db
    .select()
    .from(users)
    .where(
      or(
        inArray(users.idNumberIndex, idNumbers.map((id) => blindIndex('id_number', id))),
        inArray(users.phoneIndex, phones.map((phone) => blindIndex('phone', phone))),
        inArray(users.legacyIdNumber, idNumbers),
        inArray(users.legacyPhone, phones),
      ),
    )
  return rows.map(openUser).map(({ id, idNumber, phone, realName }) => ({ id, idNumber, phone, realName }))
}

/**
 * The accounts of these ID numbers, in ONE query however long the list (GRP-2): the blind indexes
 * travel as a single comma-joined parameter (base64url has no commas), which keeps the statement
 * the same for 1 or 5,000 numbers and each lookup on the unique index. Nothing is decrypted: a row
 * found by its index holds the listed ID number that made it. Rows written before encryption at
 * rest are found by their plain column until `rotate-data-key` has sealed them.
 */
export async function findUsersByIdNumbers(db: AppDb, idNumbers: string[]): Promise<{ userId: number; idNumber: string; realName: string }[]> {
  if (idNumbers.length === 0) return []
  const byIndex = new Map(idNumbers.map((id) => [blindIndex('id_number', id), id]))
  const rows = await db
    .select({ userId: users.id, idNumberIndex: users.idNumberIndex, legacyIdNumber: users.legacyIdNumber, realName: users.realName })
    .from(users)
    .where(
      sql`${users.idNumberIndex} = any(string_to_array(${[...byIndex.keys()].join(',')}, ','))
        or ${users.legacyIdNumber} = any(string_to_array(${idNumbers.join(',')}, ','))`,
    )
  return rows.map(({ idNumberIndex, legacyIdNumber, ...rest }) => ({
    ...rest,
    idNumber: legacyIdNumber ?? (byIndex.get(idNumberIndex ?? '') as string),
  }))
}

/** Names and ID numbers (opened) of these accounts, in one query. */
export async function namesAndIdNumbers(db: AppDb, userIds: number[]): Promise<Map<number, { realName: string; idNumber: string }>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, realName: users.realName, idNumberSealed: users.idNumberSealed, legacyIdNumber: users.legacyIdNumber })
    .from(users)
    .where(sql`${users.id} = any(string_to_array(${userIds.join(',')}, ',')::int[])`)
  return new Map(rows.map((r) => [r.id, { realName: r.realName, idNumber: openStored('id_number', r.idNumberSealed, r.legacyIdNumber) }]))
}

/** The openid the learner signed in with through WeChat: JSAPI pays as that payer. */
export async function boundOpenid(db: AppDb, userId: number): Promise<string | undefined> {
  const [row] = await db.select({ openid: wechatBindings.openid }).from(wechatBindings).where(eq(wechatBindings.userId, userId))
  return row?.openid
}

/** When the account bound its WeChat, if it has (我的个人信息). */
export async function findBinding(db: AppDb | AppTx, userId: number): Promise<{ createdAt: Date } | undefined> {
  const [row] = await db.select({ createdAt: wechatBindings.createdAt }).from(wechatBindings).where(eq(wechatBindings.userId, userId))
  return row
}

/** The account's consents, newest first (我的个人信息). */
export async function consentsOf(db: AppDb | AppTx, userId: number) {
  return db
    .select({ policyVersion: consents.policyVersion, kind: consents.kind, grantedAt: consents.grantedAt, client: consents.client })
    .from(consents)
    .where(eq(consents.userId, userId))
    .orderBy(desc(consents.grantedAt), desc(consents.id))
}

/** Name and stored phone (sealed; the caller opens or drops it) of each of these accounts, in one query. */
export async function namesAndStoredPhones(db: AppDb | AppTx, userIds: number[]): Promise<Map<number, { realName: string; legacyPhone: string | null; phoneSealed: string | null }>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, realName: users.realName, legacyPhone: users.legacyPhone, phoneSealed: users.phoneSealed })
    .from(users)
    .where(inArray(users.id, [...new Set(userIds)]))
  return new Map(rows.map(({ id, ...r }) => [id, r]))
}

/** The bound openids of a list of accounts (notices: whom to send to), in one query. */
export async function boundOpenids(db: AppDb | AppTx, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.select({ userId: wechatBindings.userId, openid: wechatBindings.openid }).from(wechatBindings).where(inArray(wechatBindings.userId, [...new Set(userIds)]))
  return new Map(rows.map((r) => [r.userId, r.openid]))
}

/** The account an openid is bound to (在线客服: who wrote to the Official Account). */
export async function userIdOfOpenid(db: AppDb | AppTx, openid: string): Promise<number | undefined> {
  const [row] = await db.select({ userId: wechatBindings.userId }).from(wechatBindings).where(eq(wechatBindings.openid, openid))
  return row?.userId
}

/** These accounts, opened (the staff console masks what it shows), in one query. */
export async function usersByIds(db: AppDb, userIds: number[]) {
  if (userIds.length === 0) return new Map<number, ReturnType<typeof openUser>>()
  const rows = await db.select().from(users).where(inArray(users.id, [...new Set(userIds)]))
  return new Map(rows.map((row) => [row.id, openUser(row)]))
}
