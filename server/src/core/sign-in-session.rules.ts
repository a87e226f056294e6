/**
 * When a signed-in session still lets its access tokens through. One home for the rule, used by the
 * auth plugin (every authenticated request) and by the progress batch (which reads the same state
 * inside its own transaction). Pure: callers pass the clock's `now`, never `new Date()`.
 */

/** The stored state of a sign-in session and of its user, as far as the rule needs it. */
export interface SignInSessionState {
  userId: number
  revokedAt: Date | null
  expiresAt: Date
  /** The user's current session version: a password reset bumps it. */
  userSessionVersion: number
}

/** What an access token claims: whose session, and the session version at sign-in. */
export interface SignInSessionClaims {
  userId: number
  sessionVersion: number
}

/**
 * Live when the session exists, belongs to the token's user, was not revoked (sign-out, password
 * reset, a replayed refresh token), has not expired, and no password reset happened since sign-in.
 */
export function isSignInSessionLive(state: SignInSessionState | null | undefined, claims: SignInSessionClaims, now: Date): boolean {
  return (
    !!state &&
    state.userId === claims.userId &&
    state.revokedAt === null &&
    state.expiresAt > now &&
    state.userSessionVersion === claims.sessionVersion
  )
}
