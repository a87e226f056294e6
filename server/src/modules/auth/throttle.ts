import { createHash } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { authThrottles } from '../../db/schema.ts'

/**
 * Sign-in throttle in PostgreSQL: survives restarts and is shared by all instances. Keys are
 * hashes (no ID numbers, phones or addresses stored in clear).
 */
export interface ThrottleRule {
  /** Failures allowed within the window before the key is locked. */
  limit: number
  windowMs: number
  lockMs: number
}

export const ACCOUNT_RULE: ThrottleRule = { limit: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
export const ADDRESS_RULE: ThrottleRule = { limit: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }

export function throttleKey(kind: 'account' | 'address', value: string): string {
  return `${kind}:${createHash('sha256').update(value).digest('base64url').slice(0, 32)}`
}

/** The latest lock among the keys that is still in force, or null. */
export async function lockedUntil(db: AppDb, keys: string[], now: Date): Promise<Date | null> {
  const rows = await db
    .select({ lockedUntil: authThrottles.lockedUntil })
    .from(authThrottles)
    .where(inArray(authThrottles.key, keys))
  const active = rows.map((r) => r.lockedUntil).filter((d): d is Date => d !== null && d > now)
  return active.length === 0 ? null : new Date(Math.max(...active.map((d) => d.getTime())))
}

/** Counts one failure for the key, locking it when the rule's limit is reached. */
export async function recordFailure(db: AppDb, key: string, rule: ThrottleRule, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(authThrottles)
      .values({ key, failures: 0, windowStartedAt: now })
      .onConflictDoNothing()
    const [row] = await tx.select().from(authThrottles).where(eq(authThrottles.key, key)).for('update')
    if (!row) return
    const windowExpired = now.getTime() - row.windowStartedAt.getTime() > rule.windowMs
    const failures = windowExpired ? 1 : row.failures + 1
    await tx
      .update(authThrottles)
      .set({
        failures: failures >= rule.limit ? 0 : failures,
        windowStartedAt: windowExpired || failures >= rule.limit ? now : row.windowStartedAt,
        lockedUntil: failures >= rule.limit ? new Date(now.getTime() + rule.lockMs) : row.lockedUntil,
      })
      .where(eq(authThrottles.key, key))
  })
}

export async function clearFailures(db: AppDb, key: string): Promise<void> {
  await db.delete(authThrottles).where(eq(authThrottles.key, key))
}
