import { and, count, desc, eq, gt, gte, isNull, or, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { smsCodes } from '../../db/schema/security.ts'
import { blindIndex } from '../../crypto/personal-data.ts'

/** The verification codes' queries (`sms_codes`); sms-codes.service.ts decides and holds the transactions. */

type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]
export type SmsCodeRow = typeof smsCodes.$inferSelect

/** Codes of this phone: stored as its blind index only, or in clear on a row written before encryption at rest. */
function codesOf(phone: string) {
  return or(eq(smsCodes.phoneIndex, blindIndex('phone', phone)), eq(smsCodes.legacyPhone, phone))
}

/** Serialises the transaction with every other one holding the same key, on every instance. */
export async function lockKey(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`)
}

/** When the newest code of this phone and purpose was issued. */
export async function latestCodeAt(tx: Tx, phone: string, purpose: string): Promise<Date | undefined> {
  const [latest] = await tx
    .select({ createdAt: smsCodes.createdAt })
    .from(smsCodes)
    .where(and(codesOf(phone), eq(smsCodes.purpose, purpose)))
    .orderBy(desc(smsCodes.createdAt))
    .limit(1)
  return latest?.createdAt
}

/** Codes issued to this phone (any purpose) since `since`. */
export async function countPhoneCodesSince(tx: Tx, phone: string, since: Date): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(smsCodes).where(and(codesOf(phone), gte(smsCodes.createdAt, since)))
  return Number(row?.n ?? 0)
}

/** Codes requested from this client address since `since`. */
export async function countClientCodesSince(tx: Tx, clientKey: string, since: Date): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(smsCodes).where(and(eq(smsCodes.clientKey, clientKey), gte(smsCodes.createdAt, since)))
  return Number(row?.n ?? 0)
}

/** A new code, stored as its keyed hash and the phone's blind index. */
export async function insertCode(tx: Tx, code: { phone: string; purpose: string; codeHash: string; clientKey: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  const { phone, ...rest } = code
  await tx.insert(smsCodes).values({ ...rest, phoneIndex: blindIndex('phone', phone) })
}

/** The newest live code of this phone and purpose, locked for the caller's transaction. */
export async function lockNewestLiveCode(tx: Tx, phone: string, purpose: string, now: Date): Promise<SmsCodeRow | undefined> {
  const [row] = await tx
    .select()
    .from(smsCodes)
    .where(and(codesOf(phone), eq(smsCodes.purpose, purpose), isNull(smsCodes.consumedAt), gt(smsCodes.expiresAt, now)))
    .orderBy(desc(smsCodes.createdAt))
    .limit(1)
    .for('update')
  return row
}

/** A wrong attempt at this code, counted. */
export async function countFailedAttempt(tx: Tx, codeId: number, failedAttempts: number): Promise<void> {
  await tx.update(smsCodes).set({ failedAttempts }).where(eq(smsCodes.id, codeId))
}

/** Marks the code used, and with it every older live code of the same phone and purpose. */
export async function markCodeAndOlderUsed(tx: Tx, codeId: number, now: Date): Promise<void> {
  const [used] = await tx
    .update(smsCodes)
    .set({ consumedAt: now })
    .where(eq(smsCodes.id, codeId))
    .returning({ phoneIndex: smsCodes.phoneIndex, legacyPhone: smsCodes.legacyPhone, purpose: smsCodes.purpose })
  if (!used) return
  const samePhone = used.phoneIndex !== null ? eq(smsCodes.phoneIndex, used.phoneIndex) : used.legacyPhone !== null ? eq(smsCodes.legacyPhone, used.legacyPhone) : undefined
  if (!samePhone) return
  await tx
    .update(smsCodes)
    .set({ consumedAt: now })
    .where(and(samePhone, eq(smsCodes.purpose, used.purpose), isNull(smsCodes.consumedAt)))
}
