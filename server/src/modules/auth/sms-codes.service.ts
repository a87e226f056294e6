import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import { and, count, desc, eq, gt, gte, isNull, or, sql } from 'drizzle-orm'
import type { SmsPurposeValue } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { smsCodes } from '../../db/schema.ts'
import { blindIndex } from '../../crypto/personal-data.ts'
import { withRetryAfter } from '../../core/errors.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { SmsDailyLimitError, SmsSendFailedError, SmsTooFrequentError } from './auth.errors.ts'

export const SMS_CODE_TTL_MS = 5 * 60_000
export const SMS_RESEND_MS = 60_000
export const SMS_DAILY_LIMIT_PER_PHONE = 10
export const SMS_HOURLY_LIMIT_PER_CLIENT = 30
export const MAX_FAILED_ATTEMPTS = 5

export interface SmsCodeDeps {
  db: AppDb
  provider: SmsProvider
  /** Key for the code hashes, derived from the server secret. */
  hashKey: string
  log: { warn(obj: object, msg?: string): void }
}

type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

/** The keyed hash a code is stored as (the development outbox matches its messages with it). */
export function hashCode(key: string, phone: string, purpose: string, code: string): string {
  return createHmac('sha256', key).update(`${phone}:${purpose}:${code}`).digest('base64url')
}

/** Codes of this phone: stored as its blind index only, or in clear on a row written before encryption at rest. */
function codesOf(phone: string) {
  return or(eq(smsCodes.phoneIndex, blindIndex('phone', phone)), eq(smsCodes.legacyPhone, phone))
}

/** Serialises the transaction with every other one holding the same key, on every instance. */
async function lockKey(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`)
}

/**
 * Issues a 6-digit code: at most one a minute per phone and purpose, ten a day per phone and
 * thirty an hour per client address. The checks and the new row are one transaction holding a lock
 * on the phone and one on the address (always in that order), so parallel requests are counted one
 * after the other. The code is stored only as a keyed hash.
 *
 * `deliver: false` (忘记密码 for a phone without an account) writes the same row and answers the
 * same, without a message. Delivery starts after the commit; for a reset it is not awaited, so the
 * answer takes as long whether or not the phone has an account.
 */
export async function issueSmsCode(
  deps: SmsCodeDeps,
  input: { phone: string; purpose: SmsPurposeValue; clientKey: string; deliver: boolean },
  now: Date,
): Promise<{ resendAfterSeconds: number; expiresInSeconds: number }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  await deps.db.transaction(async (tx) => {
    await lockKey(tx, `sms-phone:${input.phone}`)
    await lockKey(tx, `sms-client:${input.clientKey}`)
    const [latest] = await tx
      .select({ createdAt: smsCodes.createdAt })
      .from(smsCodes)
      .where(and(codesOf(input.phone), eq(smsCodes.purpose, input.purpose)))
      .orderBy(desc(smsCodes.createdAt))
      .limit(1)
    const sinceLatest = latest ? now.getTime() - latest.createdAt.getTime() : Infinity
    if (sinceLatest < SMS_RESEND_MS) {
      const wait = Math.ceil((SMS_RESEND_MS - sinceLatest) / 1000)
      throw withRetryAfter(new SmsTooFrequentError(String(wait)), wait)
    }
    const [perPhone] = await tx
      .select({ n: count() })
      .from(smsCodes)
      .where(and(codesOf(input.phone), gte(smsCodes.createdAt, new Date(now.getTime() - 24 * 3600_000))))
    const [perClient] = await tx
      .select({ n: count() })
      .from(smsCodes)
      .where(and(eq(smsCodes.clientKey, input.clientKey), gte(smsCodes.createdAt, new Date(now.getTime() - 3600_000))))
    if (Number(perPhone?.n ?? 0) >= SMS_DAILY_LIMIT_PER_PHONE || Number(perClient?.n ?? 0) >= SMS_HOURLY_LIMIT_PER_CLIENT) {
      throw new SmsDailyLimitError()
    }
    await tx.insert(smsCodes).values({
      phoneIndex: blindIndex('phone', input.phone),
      purpose: input.purpose,
      codeHash: hashCode(deps.hashKey, input.phone, input.purpose, code),
      clientKey: input.clientKey,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SMS_CODE_TTL_MS),
    })
  })
  if (input.deliver) {
    const sending = deps.provider.sendVerificationCode({ phone: input.phone, code, purpose: input.purpose, ttlMinutes: SMS_CODE_TTL_MS / 60_000 })
    if (input.purpose === 'reset_password') {
      sending.catch((error: unknown) => deps.log.warn({ provider: deps.provider.name, err: { message: (error as Error)?.message } }, 'SMS delivery failed'))
    } else {
      await sending.catch(() => {
        throw new SmsSendFailedError()
      })
    }
  }
  return { resendAfterSeconds: SMS_RESEND_MS / 1000, expiresInSeconds: SMS_CODE_TTL_MS / 1000 }
}

export type CodeCheck = 'ok' | 'wrong'

/**
 * Checks the newest live code for the phone and purpose inside the caller's transaction, locking
 * its row; a wrong code counts against it (five burn it). The caller marks it used with
 * markSmsCodeUsed, and must commit a 'wrong' answer (not throw) so the failure stays counted.
 */
export async function checkSmsCode(
  tx: Tx,
  hashKey: string,
  input: { phone: string; purpose: SmsPurposeValue; code: string },
  now: Date,
): Promise<{ result: CodeCheck; codeId?: number }> {
  const candidate = Buffer.from(hashCode(hashKey, input.phone, input.purpose, input.code.trim()))
  const [row] = await tx
    .select()
    .from(smsCodes)
    .where(and(codesOf(input.phone), eq(smsCodes.purpose, input.purpose), isNull(smsCodes.consumedAt), gt(smsCodes.expiresAt, now)))
    .orderBy(desc(smsCodes.createdAt))
    .limit(1)
    .for('update')
  if (!row || row.failedAttempts >= MAX_FAILED_ATTEMPTS) return { result: 'wrong' }
  const stored = Buffer.from(row.codeHash)
  if (stored.length === candidate.length && timingSafeEqual(stored, candidate)) return { result: 'ok', codeId: row.id }
  await tx.update(smsCodes).set({ failedAttempts: row.failedAttempts + 1 }).where(eq(smsCodes.id, row.id))
  return { result: 'wrong' }
}

/**
 * Marks the code used, and with it every older live code of the same phone and purpose: checks only
 * look at the newest live code, so an earlier one left live would become valid again once this one
 * is used (a code texted twice must not open the account twice).
 */
export async function markSmsCodeUsed(tx: Tx, codeId: number, now: Date): Promise<void> {
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

/** Checks and consumes the code in its own transaction (a wrong attempt stays counted). */
export async function consumeSmsCode(
  deps: Pick<SmsCodeDeps, 'db' | 'hashKey'>,
  input: { phone: string; purpose: SmsPurposeValue; code: string },
  now: Date,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const check = await checkSmsCode(tx, deps.hashKey, input, now)
    if (check.result !== 'ok' || check.codeId === undefined) return false
    await markSmsCodeUsed(tx, check.codeId, now)
    return true
  })
}
