import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import { and, desc, eq, gt, gte, isNull, sql } from 'drizzle-orm'
import type { SmsPurposeValue } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { smsCodes } from '../../db/schema.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { SmsDailyLimitError, SmsSendFailedError, SmsTooFrequentError } from './auth.errors.ts'

export const SMS_CODE_TTL_MS = 5 * 60_000
export const SMS_RESEND_MS = 60_000
const SMS_DAILY_LIMIT_PER_PHONE = 10
const SMS_HOURLY_LIMIT_PER_CLIENT = 30
const MAX_FAILED_ATTEMPTS = 5

export interface SmsCodeDeps {
  db: AppDb
  provider: SmsProvider
  /** Key for the code hashes, derived from the server secret. */
  hashKey: string
}

function hashCode(key: string, phone: string, purpose: string, code: string): string {
  return createHmac('sha256', key).update(`${phone}:${purpose}:${code}`).digest('base64url')
}

/**
 * Issues a 6-digit code: at most one a minute per phone and purpose, ten a day per phone and
 * thirty an hour per client address. The code is stored only as a keyed hash.
 */
export async function issueSmsCode(
  deps: SmsCodeDeps,
  input: { phone: string; purpose: SmsPurposeValue; clientKey: string; deliver: boolean },
  now: Date,
): Promise<{ resendAfterSeconds: number; expiresInSeconds: number }> {
  const { db } = deps
  const [latest] = await db
    .select({ createdAt: smsCodes.createdAt })
    .from(smsCodes)
    .where(and(eq(smsCodes.phone, input.phone), eq(smsCodes.purpose, input.purpose)))
    .orderBy(desc(smsCodes.createdAt))
    .limit(1)
  if (latest && now.getTime() - latest.createdAt.getTime() < SMS_RESEND_MS) {
    const wait = Math.ceil((SMS_RESEND_MS - (now.getTime() - latest.createdAt.getTime())) / 1000)
    throw new SmsTooFrequentError(String(wait))
  }
  const dayAgo = new Date(now.getTime() - 24 * 3600_000)
  const hourAgo = new Date(now.getTime() - 3600_000)
  const [perPhone] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(smsCodes)
    .where(and(eq(smsCodes.phone, input.phone), gte(smsCodes.createdAt, dayAgo)))
  const [perClient] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(smsCodes)
    .where(and(eq(smsCodes.clientKey, input.clientKey), gte(smsCodes.createdAt, hourAgo)))
  if (Number(perPhone?.n ?? 0) >= SMS_DAILY_LIMIT_PER_PHONE || Number(perClient?.n ?? 0) >= SMS_HOURLY_LIMIT_PER_CLIENT) {
    throw new SmsDailyLimitError()
  }

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  // The row is written even when nothing is delivered (unknown phone on reset), so limits and
  // timing look the same whether or not the phone has an account.
  await db.insert(smsCodes).values({
    phone: input.phone,
    purpose: input.purpose,
    codeHash: hashCode(deps.hashKey, input.phone, input.purpose, code),
    clientKey: input.clientKey,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SMS_CODE_TTL_MS),
  })
  if (input.deliver) {
    try {
      await deps.provider.sendVerificationCode({
        phone: input.phone,
        code,
        purpose: input.purpose,
        ttlMinutes: SMS_CODE_TTL_MS / 60_000,
      })
    } catch {
      throw new SmsSendFailedError()
    }
  }
  return { resendAfterSeconds: SMS_RESEND_MS / 1000, expiresInSeconds: SMS_CODE_TTL_MS / 1000 }
}

/**
 * Checks and consumes the newest live code for the phone and purpose, in its own transaction so a
 * failed attempt is counted even when the caller's work is rolled back. Constant-time compare;
 * five wrong attempts burn the code.
 */
export async function consumeSmsCode(
  deps: Pick<SmsCodeDeps, 'db' | 'hashKey'>,
  input: { phone: string; purpose: SmsPurposeValue; code: string },
  now: Date,
): Promise<boolean> {
  const candidate = Buffer.from(hashCode(deps.hashKey, input.phone, input.purpose, input.code.trim()))
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(smsCodes)
      .where(
        and(
          eq(smsCodes.phone, input.phone),
          eq(smsCodes.purpose, input.purpose),
          isNull(smsCodes.consumedAt),
          gt(smsCodes.expiresAt, now),
        ),
      )
      .orderBy(desc(smsCodes.createdAt))
      .limit(1)
      .for('update')
    if (!row || row.failedAttempts >= MAX_FAILED_ATTEMPTS) return false
    const stored = Buffer.from(row.codeHash)
    const matches = stored.length === candidate.length && timingSafeEqual(stored, candidate)
    if (!matches) {
      await tx.update(smsCodes).set({ failedAttempts: row.failedAttempts + 1 }).where(eq(smsCodes.id, row.id))
      return false
    }
    await tx.update(smsCodes).set({ consumedAt: now }).where(eq(smsCodes.id, row.id))
    return true
  })
}
