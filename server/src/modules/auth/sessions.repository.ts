import { eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { sessions, users } from '../../db/schema.ts'
import type { SignInSessionState } from '../../rules/sign-in-session.rules.ts'

/**
 * The session's state, its user's session version and whether that user must still change the
 * initial password; null when there is no such session.
 */
export async function loadSignInSessionState(db: AppDb, sessionId: string): Promise<(SignInSessionState & { mustChangePassword: boolean }) | null> {
  const [row] = await db
    .select({ userId: sessions.userId, revokedAt: sessions.revokedAt, expiresAt: sessions.expiresAt, userSessionVersion: users.sessionVersion, mustChangePassword: users.mustChangePassword })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId))
  return row ?? null
}
