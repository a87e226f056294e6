import { eq, or, sql, type SQL } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { users, wechatBindings } from '../../db/schema/users.ts'
import type { Db } from './sessions.repository.ts'
import { blindIndex, openStored, seal } from '../../crypto/personal-data.ts'

type StoredUser = typeof users.$inferSelect
type StoredOnly = 'legacyIdNumber' | 'legacyPhone' | 'idNumberSealed' | 'idNumberIndex' | 'phoneSealed' | 'phoneIndex'

/** An account as services see it: ID number and phone opened (they are sealed in the table). */
export type UserRow = Omit<StoredUser, StoredOnly> & { idNumber: string; phone: string }

/** The stored columns of an ID number and a phone: sealed values and blind indexes (new rows never write the plain columns). */
export function sealedUserColumns(person: { idNumber: string; phone: string }) {
  return {
    idNumberSealed: seal('id_number', person.idNumber),
    idNumberIndex: blindIndex('id_number', person.idNumber),
    phoneSealed: seal('phone', person.phone),
    phoneIndex: blindIndex('phone', person.phone),
  }
}

/** Opens a stored row (a row not yet sealed by `rotate-data-key` still has its plain columns). */
export function openUser(row: StoredUser): UserRow {
  const { legacyIdNumber, legacyPhone, idNumberSealed, idNumberIndex: _i, phoneSealed, phoneIndex: _p, ...rest } = row
  return { ...rest, idNumber: openStored('id_number', idNumberSealed, legacyIdNumber), phone: openStored('phone', phoneSealed, legacyPhone) }
}

/** Rows holding this ID number: by blind index, or in clear on a row written before encryption. */
export function idNumberIs(idNumber: string): SQL {
  return or(eq(users.idNumberIndex, blindIndex('id_number', idNumber)), eq(users.legacyIdNumber, idNumber)) as SQL
}

/** Rows holding this phone (as idNumberIs). */
export function phoneIs(phone: string): SQL {
  return or(eq(users.phoneIndex, blindIndex('phone', phone)), eq(users.legacyPhone, phone)) as SQL
}

export async function findUserByAccount(db: AppDb, account: { idNumber?: string; phone?: string }): Promise<UserRow | undefined> {
  const conditions = [account.idNumber ? idNumberIs(account.idNumber) : undefined, account.phone ? phoneIs(account.phone) : undefined].filter((c) => c !== undefined)
  if (conditions.length === 0) return undefined
  const [row] = await db.select().from(users).where(or(...conditions)).limit(1)
  return row && openUser(row)
}

/** The account of a phone, its row locked for the caller's transaction (忘记密码). */
export async function findUserByPhoneForUpdate(tx: AppDb, phone: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(phoneIs(phone)).for('update')
  return row && openUser(row)
}

/** Inserts an account, sealing its ID number and phone; unique violations name users_*_index_unique. */
export async function insertUser(
  db: Db,
  values: { realName: string; idNumber: string; phone: string; passwordHash: string; createdAt: Date; updatedAt: Date },
): Promise<UserRow> {
  const { idNumber, phone, ...rest } = values
  const [row] = await db.insert(users).values({ ...rest, ...sealedUserColumns({ idNumber, phone }) }).returning()
  if (!row) throw new Error('insert returned nothing')
  return openUser(row)
}

export async function findUserById(db: AppDb, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row && openUser(row)
}

export async function findUserByOpenid(db: AppDb, openid: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(wechatBindings)
    .innerJoin(users, eq(users.id, wechatBindings.userId))
    .where(eq(wechatBindings.openid, openid))
  return row && openUser(row.user)
}

export async function findBindingByUser(db: AppDb, userId: number) {
  const [row] = await db.select().from(wechatBindings).where(eq(wechatBindings.userId, userId))
  return row
}

/**
 * Accounts imported by staff (批量注册), in the caller's transaction: each must change its
 * password at first sign-in. One statement per call (callers keep a call to a few hundred rows,
 * under PostgreSQL's 65,535 parameters). Returns each new account's id by its ID number.
 */
export async function insertImportedUsers(
  tx: Db,
  accounts: { realName: string; idNumber: string; phone: string; passwordHash: string }[],
  now: Date,
): Promise<Map<string, number>> {
  const sealed = accounts.map((a) => sealedUserColumns(a))
  const idNumberOf = new Map(accounts.map((a, k) => [sealed[k]?.idNumberIndex, a.idNumber]))
  const inserted = await tx
    .insert(users)
    .values(accounts.map((a, k) => ({ realName: a.realName, ...sealed[k], passwordHash: a.passwordHash, mustChangePassword: true, createdAt: now, updatedAt: now })))
    .returning({ id: users.id, idNumberIndex: users.idNumberIndex })
  return new Map(inserted.map((row) => [idNumberOf.get(row.idNumberIndex ?? '') as string, row.id]))
}

/** The unique constraints that mean "this ID number or phone already has an account". */
export const ACCOUNT_IDENTITY_CONSTRAINTS: { has(name: string): boolean } = new Set(
  [users.idNumberIndex, users.phoneIndex, users.legacyIdNumber, users.legacyPhone].map((column) => column.uniqueName),
)

/** The name that replaces a closed account's real name. */
export const CLOSED_ACCOUNT_NAME = '已注销用户'

/**
 * 注销账号 (privacy, inside its closure transaction holding the user's row lock): removes the
 * account's sign-in identifiers and personal data. The blind indexes go (the ID number and phone are
 * free to register again), the sealed values and the plain columns of a row not yet migrated are
 * replaced by sealed empty values (so code that opens the row still opens it), the name is
 * anonymised, and the password can match nothing. The row itself stays: orders, invoices,
 * certificates and consents reference it.
 */
export async function anonymiseUser(tx: Db, userId: number, emptySealed: { idNumber: string; phone: string }, now: Date): Promise<void> {
  await tx
    .update(users)
    .set({
      realName: CLOSED_ACCOUNT_NAME,
      legacyIdNumber: null,
      legacyPhone: null,
      idNumberIndex: null,
      phoneIndex: null,
      idNumberSealed: emptySealed.idNumber,
      phoneSealed: emptySealed.phone,
      passwordHash: 'closed',
      sessionVersion: sql`${users.sessionVersion} + 1`,
      mustChangePassword: false,
      updatedAt: now,
    })
    .where(eq(users.id, userId))
}

/** 注销账号: the account's WeChat binding goes (inside the closure transaction); how many rows went. */
export async function deleteBinding(tx: Db, userId: number): Promise<number> {
  const rows = await tx.delete(wechatBindings).where(eq(wechatBindings.userId, userId)).returning({ id: wechatBindings.id })
  return rows.length
}
