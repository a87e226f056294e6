import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNull, ne } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { staffSessions, staffUsers } from '../../db/schema/staff.ts'

type Db = AppDb | AppTx

/** Why a console session ended. */
export type StaffSessionEndReason = 'signed_out' | 'disabled' | 'password_reset' | 'totp_reset' | 'password_changed'

/** Tokens are stored only as SHA-256: a database dump opens no console. */
export function staffTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** A new session and its bearer token (256 random bits), which only the caller ever sees. */
export async function insertStaffSession(db: Db, staffId: number, now: Date, expiresAt: Date): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url')
  const id = randomUUID()
  await db.insert(staffSessions).values({ id, tokenHash: staffTokenHash(token), staffId, createdAt: now, lastActiveAt: now, expiresAt })
  return { id, token }
}

/** The session of a token with its account, or undefined. */
export async function findStaffSession(db: Db, token: string) {
  const [row] = await db
    .select({ session: staffSessions, staff: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffId))
    .where(eq(staffSessions.tokenHash, staffTokenHash(token)))
  return row
}

/** Slides the session's idle window: the activity of a working console keeps it open. */
export async function touchStaffSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await db.update(staffSessions).set({ lastActiveAt: now }).where(eq(staffSessions.id, sessionId))
}

export async function endStaffSession(db: Db, sessionId: string, reason: StaffSessionEndReason, now: Date): Promise<void> {
  await db
    .update(staffSessions)
    .set({ endedAt: now, endedReason: reason })
    .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.endedAt)))
}

/** Ends every open session of an account (all but `except`, the one asking). Returns how many. */
export async function endStaffSessions(db: Db, staffId: number, reason: StaffSessionEndReason, now: Date, except?: string): Promise<number> {
  const ended = await db
    .update(staffSessions)
    .set({ endedAt: now, endedReason: reason })
    .where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.endedAt), except === undefined ? undefined : ne(staffSessions.id, except)))
    .returning({ id: staffSessions.id })
  return ended.length
}
