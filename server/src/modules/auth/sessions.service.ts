import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNotNull, isNull, ne } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { refreshTokens, sessions, users } from '../../db/schema.ts'
import type { AccessClaims, SessionCheck } from '../../plugins/auth.ts'
import { isSignInSessionLive } from '../../rules/sign-in-session.rules.ts'
import { SessionExpiredError } from './auth.errors.ts'
import { loadSignInSessionState } from './sessions.repository.ts'

/** A session stays signed in while used at least once a month (sliding expiry). */
export const SESSION_IDLE_MS = 30 * 24 * 3600_000
/**
 * How long after a rotation the rotated token is still accepted once more, for an answer that was
 * lost on the way (tab closed, network dropped) or two tabs refreshing at the same moment. Beyond
 * it, a rotated token presented again is a copy: the whole session ends (RFC 9700 §4.14.2).
 */
export const REFRESH_GRACE_MS = 5_000

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

type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

/**
 * Exchanges a refresh token for a new one (rotation). The session is the token family: every token
 * it ever issued hangs off it, and revoking it ends them all, with their access tokens.
 *
 * - An unused token is rotated; its unused siblings (answers to a retried request) die with it.
 * - A rotated token presented again within REFRESH_GRACE_MS, while none of its successors has
 *   been used, gets one more successor: the first answer was lost or another tab raced it.
 * - Any other rotated (or dead) token presented again is a copy: the session is revoked.
 *
 * The session row is locked first, so rotations of one family run one after the other on every
 * instance.
 */
export async function rotateRefreshToken(db: AppDb, refreshToken: string, now: Date): Promise<IssuedSession> {
  const tokenHash = hashToken(refreshToken)
  const outcome = await db.transaction(async (tx) => {
    const [found] = await tx.select({ sessionId: refreshTokens.sessionId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
    if (!found) return null
    const [session] = await tx
      .select({ session: sessions, sessionVersion: users.sessionVersion })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, found.sessionId))
      .for('update', { of: [sessions] })
    const [token] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
    if (!session || !token || session.session.revokedAt || session.session.expiresAt <= now) return null

    if (token.usedAt) {
      if (!(await withinGrace(tx, token, now))) {
        await tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, session.session.id))
        return null
      }
    } else {
      await tx.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.tokenHash, tokenHash))
      if (token.parentHash) {
        // Siblings were handed out for the same parent; this one won, so the others die. A dead
        // token has usedAt but no successor, so presenting it later revokes the session.
        await tx
          .update(refreshTokens)
          .set({ usedAt: now })
          .where(and(eq(refreshTokens.parentHash, token.parentHash), ne(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt)))
      }
    }
    const next = newToken()
    await tx.insert(refreshTokens).values({ tokenHash: hashToken(next), sessionId: session.session.id, parentHash: tokenHash, createdAt: now })
    if (!token.replacedByHash) await tx.update(refreshTokens).set({ replacedByHash: hashToken(next) }).where(eq(refreshTokens.tokenHash, tokenHash))
    await tx
      .update(sessions)
      .set({ lastRefreshedAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
      .where(eq(sessions.id, session.session.id))
    return { sessionId: session.session.id, userId: session.session.userId, sessionVersion: session.sessionVersion, refreshToken: next }
  })
  if (!outcome) throw new SessionExpiredError()
  return outcome
}

/** A rotated token may be presented once more only briefly, and only while no successor was used. */
async function withinGrace(tx: Tx, token: typeof refreshTokens.$inferSelect, now: Date): Promise<boolean> {
  if (!token.usedAt || !token.replacedByHash) return false
  if (now.getTime() - token.usedAt.getTime() >= REFRESH_GRACE_MS) return false
  const [usedSuccessor] = await tx
    .select({ tokenHash: refreshTokens.tokenHash })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.parentHash, token.tokenHash), isNotNull(refreshTokens.usedAt)))
    .limit(1)
  return !usedSuccessor
}

export async function revokeSession(db: AppDb, sessionId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
}

/** Ends every session of the account (password reset): refresh tokens and access tokens alike. */
export async function revokeAllSessions(db: AppDb, userId: number, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
}

/** Whether an access token's session is still live, and its account's pending password change: the auth plugin is handed this. */
export async function checkSession(db: AppDb, claims: AccessClaims, now: Date): Promise<SessionCheck> {
  const state = await loadSignInSessionState(db, claims.sid)
  return { live: isSignInSessionLive(state, { userId: claims.uid, sessionVersion: claims.sv }, now), mustChangePassword: state?.mustChangePassword ?? false }
}
