import { describe, expect, it } from 'vitest'
import { verifiedTokens } from './verified-tokens.ts'

const claims = (expSeconds: number) => ({ uid: 1, sid: 's', sv: 1, exp: expSeconds })

describe('verified access tokens kept for the progress-report route', () => {
  it('answers a token only while it has not expired, then forgets it', () => {
    const kept = verifiedTokens<ReturnType<typeof claims>>(10)
    kept.set('token-a', claims(100))
    expect(kept.get('token-a', 99_999)).toMatchObject({ uid: 1 })
    expect(kept.get('token-a', 100_000)).toBeUndefined()
    // Forgotten: even a clock that went back does not bring it back without a new verification.
    expect(kept.get('token-a', 50_000)).toBeUndefined()
  })

  it('knows only the exact text that was verified, and never a token without an expiry', () => {
    const kept = verifiedTokens<{ uid: number; exp?: number }>(10)
    kept.set('header.payload.signature', claims(100))
    kept.set('no-expiry', { uid: 2 })
    expect(kept.get('header.payload.signaturf', 0)).toBeUndefined()
    expect(kept.get('no-expiry', 0)).toBeUndefined()
  })

  it('keeps at most its bound, dropping the oldest', () => {
    const kept = verifiedTokens<ReturnType<typeof claims>>(2)
    kept.set('a', claims(100))
    kept.set('b', claims(100))
    kept.set('c', claims(100))
    expect([kept.get('a', 0), kept.get('b', 0), kept.get('c', 0)].map(Boolean)).toEqual([false, true, true])
  })
})
