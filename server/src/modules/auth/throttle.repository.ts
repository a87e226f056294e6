import { and, eq, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { authThrottles } from '../../db/schema/security.ts'
import type { AttemptRule } from './throttle.rules.ts'

/**
 * Attempt counters in PostgreSQL, shared by every server instance and surviving restarts. An
 * attempt is counted in one atomic statement BEFORE the work it guards (a password check, an SMS
 * code check), so parallel requests cannot slip past the limit: of 30 simultaneous guesses only
 * the first `limit` are checked at all.
 */
export interface CountedAttempt {
  key: string
  allowed: boolean
  windowStartedAt: Date
  /** Seconds until the window ends (when a refused key may try again). */
  retryAfterSeconds: number
}

/**
 * Counts one attempt for the key (a new window once the old one is over) and says if it is allowed.
 * `weight` counts an attempt as several (a 团体购买 list counts each ID number it checks).
 */
export async function countAttempt(db: AppDb, key: string, rule: AttemptRule, now: Date, weight = 1): Promise<CountedAttempt> {
  const nowIso = now.toISOString()
  const windowOver = sql`${authThrottles.windowStartedAt} <= ${new Date(now.getTime() - rule.windowMs).toISOString()}::timestamptz`
  const [row] = await db
    .insert(authThrottles)
    .values({ key, failures: weight, windowStartedAt: now })
    .onConflictDoUpdate({
      target: authThrottles.key,
      set: {
        failures: sql`case when ${windowOver} then ${weight}::int else ${authThrottles.failures} + ${weight}::int end`,
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
