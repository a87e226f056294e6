import { createHash } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { authThrottles } from '../../db/schema.ts'

/**
 * Attempt counters in PostgreSQL, shared by every server instance and surviving restarts. An
 * attempt is counted in one atomic statement BEFORE the work it guards (a password check, an SMS
 * code check), so parallel requests cannot slip past the limit: of 30 simultaneous guesses only
 * the first `limit` are checked at all. Keys are hashes: no ID number, phone or address in clear.
 */
export interface AttemptRule {
  /** Attempts allowed within one window. */
  limit: number
  windowMs: number
}

/** Password sign-ins per account (whatever identifier was typed: the key is the account). */
export const SIGN_IN_PER_ACCOUNT: AttemptRule = { limit: 5, windowMs: 15 * 60_000 }
/** Password sign-ins per client address, across accounts. Successes give their attempt back. */
export const SIGN_IN_PER_ADDRESS: AttemptRule = { limit: 30, windowMs: 15 * 60_000 }
/** 注册 and 忘记密码 submissions per client address (each checks an SMS code). */
export const CODE_CHECKS_PER_ADDRESS: AttemptRule = { limit: 30, windowMs: 60 * 60_000 }

export type ThrottleKind = 'account' | 'user' | 'address' | 'register-address' | 'reset-address'

export function throttleKey(kind: ThrottleKind, value: string): string {
  return `${kind}:${createHash('sha256').update(value).digest('base64url').slice(0, 32)}`
}

export interface CountedAttempt {
  key: string
  allowed: boolean
  windowStartedAt: Date
  /** Seconds until the window ends (when a refused key may try again). */
  retryAfterSeconds: number
}

/** Counts one attempt for the key (a new window once the old one is over) and says if it is allowed. */
export async function countAttempt(db: AppDb, key: string, rule: AttemptRule, now: Date): Promise<CountedAttempt> {
  const nowIso = now.toISOString()
  const windowOver = sql`${authThrottles.windowStartedAt} <= ${new Date(now.getTime() - rule.windowMs).toISOString()}::timestamptz`
  const [row] = await db
    .insert(authThrottles)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: authThrottles.key,
      set: {
        failures: sql`case when ${windowOver} then 1 else ${authThrottles.failures} + 1 end`,
        windowStartedAt: sql`case when ${windowOver} then ${nowIso}::timestamptz else ${authThrottles.windowStartedAt} end`,
      },
    })
    .returning({ attempts: authThrottles.failures, windowStartedAt: authThrottles.windowStartedAt })
  if (!row) throw new Error('throttle upsert returned nothing')
  const retryAfterMs = row.windowStartedAt.getTime() + rule.windowMs - now.getTime()
  return {
    key,
    allowed: row.attempts <= rule.limit,
    windowStartedAt: row.windowStartedAt,
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  }
}

/** Gives a successful attempt back (same window only), so only failures accumulate. */
export async function refundAttempt(db: AppDb, attempt: CountedAttempt): Promise<void> {
  await db
    .update(authThrottles)
    .set({ failures: sql`greatest(${authThrottles.failures} - 1, 0)` })
    .where(and(eq(authThrottles.key, attempt.key), eq(authThrottles.windowStartedAt, attempt.windowStartedAt)))
}

export async function clearAttempts(db: AppDb, key: string): Promise<void> {
  await db.delete(authThrottles).where(eq(authThrottles.key, key))
}
