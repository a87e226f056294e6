import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { refreshTokens, sessions, users } from '../../db/schema.ts'
import { SessionExpiredError, SessionRefreshConflictError } from './auth.errors.ts'

/** A session stays signed in while used at least once a month (sliding expiry). */
export const SESSION_IDLE_MS = 30 * 24 * 3600_000
/** Two tabs refreshing with the same cookie at the same moment is a race, not theft. */
const REFRESH_RACE_MS = 10_000

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')
const newToken = () => randomBytes(32).toString('base64url')

export interface IssuedSession {
  sessionId: string
  userId: number
  sessionVersion: number
  refreshToken: string
}

/** Opens a session for a device and returns its first refresh token (stored only as a hash). */
export async function openSession(db: AppDb, userId: number, now: Date): Promise<IssuedSession> {
  const sessionId = randomUUID()
  const refreshToken = newToken()
  const [user] = await db.select({ sessionVersion: users.sessionVersion }).from(users).where(eq(users.id, userId))
  if (!user) throw new SessionExpiredError()
  await db.transaction(async (tx) => {
    await tx.insert(sessions).values({ id: sessionId, userId, createdAt: now, lastRefreshedAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
    await tx.insert(refreshTokens).values({ tokenHash: hashToken(refreshToken), sessionId, createdAt: now })
  })
  return { sessionId, userId, sessionVersion: user.sessionVersion, refreshToken }
}

/**
 * Exchanges a refresh token for a new one. A token presented twice (outside a short race window)
 * means it was copied: the whole session is revoked.
 */
export async function rotateRefreshToken(db: AppDb, refreshToken: string, now: Date): Promise<IssuedSession> {
  const outcome = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ token: refreshTokens, session: sessions, sessionVersion: users.sessionVersion })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.tokenHash, hashToken(refreshToken)))
      .for('update', { of: [refreshTokens, sessions] })
    if (!row || row.session.revokedAt || row.session.expiresAt <= now) return { kind: 'expired' as const }
    if (row.token.usedAt) {
      if (now.getTime() - row.token.usedAt.getTime() < REFRESH_RACE_MS) return { kind: 'race' as const }
      // The answer that carried its successor may have been lost (tab closed, network dropped
      // mid-refresh): if that successor was never presented, the browser simply never got it.
      // Anything else is a copied token: the whole session ends.
      const [successor] = row.token.replacedByHash
        ? await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, row.token.replacedByHash)).for('update')
        : []
      if (!successor || successor.usedAt) {
        await tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, row.session.id))
        return { kind: 'reused' as const }
      }
      const next = newToken()
      await tx.update(refreshTokens).set({ usedAt: now, replacedByHash: hashToken(next) }).where(eq(refreshTokens.tokenHash, successor.tokenHash))
      await tx.insert(refreshTokens).values({ tokenHash: hashToken(next), sessionId: row.session.id, createdAt: now })
      await tx
        .update(sessions)
        .set({ lastRefreshedAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
        .where(eq(sessions.id, row.session.id))
      return {
        kind: 'ok' as const,
        session: { sessionId: row.session.id, userId: row.session.userId, sessionVersion: row.sessionVersion, refreshToken: next },
      }
    }
    const next = newToken()
    await tx.update(refreshTokens).set({ usedAt: now, replacedByHash: hashToken(next) }).where(eq(refreshTokens.tokenHash, row.token.tokenHash))
    await tx.insert(refreshTokens).values({ tokenHash: hashToken(next), sessionId: row.session.id, createdAt: now })
    await tx
      .update(sessions)
      .set({ lastRefreshedAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
      .where(eq(sessions.id, row.session.id))
    return {
      kind: 'ok' as const,
      session: { sessionId: row.session.id, userId: row.session.userId, sessionVersion: row.sessionVersion, refreshToken: next },
    }
  })
  if (outcome.kind === 'race') throw new SessionRefreshConflictError()
  if (outcome.kind !== 'ok') throw new SessionExpiredError()
  return outcome.session
}

export async function revokeSession(db: AppDb, sessionId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
}

/** Ends every session of the account (password reset): refresh tokens and access tokens alike. */
export async function revokeAllSessions(db: AppDb, userId: number, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
}

/** Whether an access token's session is still live and its user's session version current. */
export async function isSessionLive(db: AppDb, sessionId: string, userId: number, sessionVersion: number, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt, version: users.sessionVersion })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
  return !!row && row.revokedAt === null && row.expiresAt > now && row.version === sessionVersion
}
