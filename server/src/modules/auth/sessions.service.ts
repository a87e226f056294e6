import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { CONSENT_KINDS } from '@app/shared'
import { and, eq, isNotNull, isNull, ne } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { refreshTokens, sessions, users } from '../../db/schema/users.ts'
import { sessionEndedError, type SessionEndReason } from '../../plugins/auth.errors.ts'
import type { AccessClaims, SessionCheck } from '../../plugins/auth.ts'
import { isSignInSessionLive } from '../../core/sign-in-session.rules.ts'
import { AccountDisabledError, InvalidCredentialsError, SessionExpiredError } from './auth.errors.ts'
import { loadSignInSessionState, lockUser, revokeOneSession, revokeUserSessions, type Db } from './sessions.repository.ts'
import { findBindingByUser } from './users.repository.ts'

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

/**
 * What the sign-in that opens a session rested on. A password sign-in names the hash it checked,
 * a WeChat sign-in the openid it found bound: if 修改密码 / 忘记密码 / 解除绑定 committed in between,
 * the session is not opened (InvalidCredentialsError / SessionExpiredError), so no device signs in
 * with a password or a binding that no longer holds.
 */
export type SignInProof = { method: 'password'; passwordHash: string } | { method: 'wechat'; openid: string }

/** Opens a session for a device and returns its first refresh token (stored only as a hash). */
export async function openSession(db: AppDb, userId: number, proof: SignInProof, now: Date): Promise<IssuedSession> {
  const sessionId = randomUUID()
  const refreshToken = newToken()
  const sessionVersion = await db.transaction(async (tx) => {
    // Shares the user's row lock with other sign-ins; waits for a password change or 解除绑定.
    const user = await lockUser(tx, userId, 'share')
    if (!user) throw new SessionExpiredError()
    // Staff disabled the account (管理后台): checked under the same lock their change takes.
    if (user.disabledAt) throw new AccountDisabledError()
    if (proof.method === 'password' && user.passwordHash !== proof.passwordHash) throw new InvalidCredentialsError()
    if (proof.method === 'wechat' && !(await findBindingByUser(tx as unknown as AppDb, userId).then((b) => b?.openid === proof.openid))) {
      throw new SessionExpiredError()
    }
    await tx.insert(sessions).values({
      id: sessionId,
      userId,
      signedInWith: proof.method,
      createdAt: now,
      lastRefreshedAt: now,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    })
    await tx.insert(refreshTokens).values({ tokenHash: hashToken(refreshToken), sessionId, createdAt: now })
    return user.sessionVersion
  })
  return { sessionId, userId, sessionVersion, refreshToken }
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
  const outcome = await db.transaction(async (tx): Promise<IssuedSession | { revokedReason: string | null }> => {
    const refused = (revokedReason: string | null = null) => ({ revokedReason })
    const [found] = await tx.select({ sessionId: refreshTokens.sessionId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
    if (!found) return refused()
    const [session] = await tx
      .select({ session: sessions, sessionVersion: users.sessionVersion })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, found.sessionId))
      .for('update', { of: [sessions] })
    const [token] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
    // Locked, so a revocation committed meanwhile (修改密码 on another device) is seen here, and one
    // still to come waits for this rotation and then revokes the session it extended.
    if (!session || !token) return refused()
    if (session.session.revokedAt) return refused(session.session.revokedReason)
    if (session.session.expiresAt <= now) return refused()

    if (token.usedAt) {
      if (!(await withinGrace(tx, token, now))) {
        await revokeOneSession(tx, session.session.id, 'refresh_reuse', now)
        return refused()
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
  if ('revokedReason' in outcome) throw sessionEndedError(outcome.revokedReason)
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

/** 退出登录: ends this device's session. */
export async function revokeSession(db: AppDb, sessionId: string, now: Date): Promise<void> {
  await revokeOneSession(db, sessionId, 'signed_out', now)
}

/**
 * Ends every session of the account, refresh and access tokens alike (忘记密码; a staff password
 * reset). Call it inside the transaction that changes the password, after locking the user's row
 * (lockUser): then no sign-in or refresh running at the same moment survives it. Returns how many
 * sessions ended.
 */
export async function endAllSessions(db: Db, userId: number, reason: SessionEndReason, now: Date): Promise<number> {
  return revokeUserSessions(db, userId, {}, reason, now)
}

/**
 * Ends every session of the account but the one that asked (修改密码 on this device): the other
 * devices' access tokens answer 401 with the reason's code from their next request, and their
 * refresh tokens are refused. Same locking rule as endAllSessions.
 */
export async function endOtherSessions(db: Db, userId: number, keepSessionId: string, reason: SessionEndReason, now: Date): Promise<number> {
  return revokeUserSessions(db, userId, { except: keepSessionId }, reason, now)
}

/** Whether an access token's session is still live, and its account's pending password change: the auth plugin is handed this. */
export async function checkSession(db: AppDb, claims: AccessClaims, now: Date): Promise<SessionCheck> {
  const state = await loadSignInSessionState(db, claims.sid)
  return {
    live: isSignInSessionLive(state, { userId: claims.uid, sessionVersion: claims.sv }, now),
    mustChangePassword: state?.mustChangePassword ?? false,
    consentRequired: state ? Number(state.consentKinds) < CONSENT_KINDS.length : false,
    revokedReason: state?.userId === claims.uid ? state.revokedReason : null,
  }
}
