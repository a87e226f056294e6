import { createHash } from 'node:crypto'
import { lt, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { verifyRateLimits } from '../../db/schema/certificates.ts'

/**
 * 60 look-ups a minute per client address on the public verification API. WeChat users often
 * share a carrier NAT address, so the limit is generous: it stops scraping, not people scanning.
 * Counted in PostgreSQL so every instance enforces the same limit.
 */
export const VERIFY_LIMIT = { hits: 60, windowMs: 60_000 } as const

export async function takeVerifyHit(db: AppDb, address: string, now: Date): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const windowStart = new Date(Math.floor(now.getTime() / VERIFY_LIMIT.windowMs) * VERIFY_LIMIT.windowMs)
  const key = createHash('sha256').update(`verify:${address}`).digest('base64url').slice(0, 32)
  const [row] = await db
    .insert(verifyRateLimits)
    .values({ key, windowStart, hits: 1 })
    .onConflictDoUpdate({ target: [verifyRateLimits.key, verifyRateLimits.windowStart], set: { hits: sql`${verifyRateLimits.hits} + 1` } })
    .returning({ hits: verifyRateLimits.hits })
  const hits = row?.hits ?? 1
  // A new window for this address is the moment to drop windows long gone (for all addresses).
  if (hits === 1) await db.delete(verifyRateLimits).where(lt(verifyRateLimits.windowStart, new Date(windowStart.getTime() - 10 * VERIFY_LIMIT.windowMs)))
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + VERIFY_LIMIT.windowMs - now.getTime()) / 1000)
  return { allowed: hits <= VERIFY_LIMIT.hits, retryAfterSeconds }
}
