import { and, eq, isNull, ne, sql } from 'drizzle-orm'
import { PRIVACY_POLICY_VERSION } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { consents, sessions, users } from '../../db/schema/users.ts'
import type { SessionEndReason } from '../../plugins/auth.errors.ts'
import type { SignInSessionState } from '../../core/sign-in-session.rules.ts'

type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]
/** The database or a transaction on it. */
export type Db = AppDb | Tx

/** How a device signed in; 解除绑定 of WeChat ends the 'wechat' ones. */
export type SignInMethod = 'password' | 'wechat'

/**
 * The session's state, its user's session version and whether that user must still change the
 * initial password, and why the session was revoked; null when there is no such session.
 */
export async function loadSignInSessionState(
  db: AppDb,
  sessionId: string,
): Promise<(SignInSessionState & { mustChangePassword: boolean; consentKinds: number; revokedReason: string | null }) | null> {
  const [row] = await db
    .select({
      userId: sessions.userId,
      revokedAt: sessions.revokedAt,
      revokedReason: sessions.revokedReason,
      expiresAt: sessions.expiresAt,
      userSessionVersion: users.sessionVersion,
      mustChangePassword: users.mustChangePassword,
      /** How many of the two consent kinds the account gave for the current policy version. */
      consentKinds: sql<number>`(select count(distinct ${consents.kind})::int from ${consents} where ${consents.userId} = ${users.id} and ${consents.policyVersion} = ${PRIVACY_POLICY_VERSION})`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId))
  return row ?? null
}

/**
 * Revokes the live sessions of one user that match: all of them, all but one (the device that
 * asked), or only those signed in a certain way. Returns how many ended.
 */
export async function revokeUserSessions(
  db: Db,
  userId: number,
  filter: { except?: string; signedInWith?: SignInMethod },
  reason: SessionEndReason,
  now: Date,
): Promise<number> {
  const ended = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        filter.except === undefined ? undefined : ne(sessions.id, filter.except),
        filter.signedInWith === undefined ? undefined : eq(sessions.signedInWith, filter.signedInWith),
      ),
    )
    .returning({ id: sessions.id })
  return ended.length
}

/** Revokes one session (sign-out, a replayed refresh token); a revoked one keeps its first reason. */
export async function revokeOneSession(db: Db, sessionId: string, reason: SessionEndReason, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now, revokedReason: reason }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
}

/**
 * Locks the user's row for the rest of the transaction and returns what a new session must agree
 * with. 修改密码, 忘记密码, staff resets and 解除绑定 lock the same row before they revoke sessions,
 * so a sign-in either commits before them (and its session is revoked with the others) or sees
 * their outcome (and is refused).
 */
export async function lockUser(tx: Db, userId: number, mode: 'share' | 'update') {
  const [row] = await tx
    .select({ id: users.id, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .for(mode === 'share' ? 'share' : 'update')
  return row ?? null
}

/** One session of the user, read under a row lock (the device asking for a change); null when there is none. */
export async function lockSession(tx: Db, sessionId: string, userId: number) {
  const [row] = await tx
    .select({ revokedAt: sessions.revokedAt, revokedReason: sessions.revokedReason })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .for('update')
  return row ?? null
}
