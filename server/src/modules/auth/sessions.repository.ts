import { eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { sessions, users } from '../../db/schema.ts'
import type { SignInSessionState } from '../../rules/sign-in-session.rules.ts'

/** The session's state and its user's session version, or null when there is no such session. */
export async function loadSignInSessionState(db: AppDb, sessionId: string): Promise<SignInSessionState | null> {
  const [row] = await db
    .select({ userId: sessions.userId, revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt, userSessionVersion: users.sessionVersion })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId))
  return row ?? null
}
