/**
 * Access tokens whose signature was already checked, by their exact text, so the hottest route
 * (progress reports, every 10 s per learner) does not compute an HMAC and decode the same token on
 * every request: the bench:progress profile showed token verification at ~10 % of the server's
 * time. A token's text verifies the same way every time (the secret does not change while the
 * process runs), so a hit is as good as a verification while the token has not expired; an
 * expired one is dropped and verified again (which answers 401). Bounded: the oldest entry makes
 * room (a token is refreshed every 15 minutes, so a learner holds one or two at a time).
 */
export interface VerifiedTokens<C extends { exp?: number }> {
  /** The claims of a token verified before and not expired at `nowMs`, else undefined. */
  get(token: string, nowMs: number): C | undefined
  set(token: string, claims: C): void
}

export function verifiedTokens<C extends { exp?: number }>(maxEntries: number): VerifiedTokens<C> {
  const entries = new Map<string, C>()
  return {
    get(token, nowMs) {
      const claims = entries.get(token)
      if (claims === undefined) return undefined
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) {
        entries.delete(token)
        return undefined
      }
      return claims
    },
    set(token, claims) {
      if (typeof claims.exp !== 'number') return
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(token, claims)
    },
  }
}
