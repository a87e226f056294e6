import { createSigner, createVerifier } from 'fast-jwt'
import type { StaffRole } from '../../db/schema/staff.ts'

/** Staff tokens are short-lived: staff sign in again rather than hold a refresh token. */
export const STAFF_TOKEN_TTL_SECONDS = 15 * 60
const AUDIENCE = 'cq-jxjy:staff'

export interface StaffClaims {
  /** Always 'staff': a second check besides the audience and the key. */
  typ: 'staff'
  /** staff_users.id */
  stf: number
  /** staff_users.token_version at sign-in: disabling or a new password ends the token at once. */
  tv: number
  role: StaffRole
}

/**
 * Signs and checks staff tokens. Their key is derived apart from the learners' JWT key and they
 * carry their own audience and `typ`, so a learner token fails here on its signature alone, and a
 * staff token fails on learner routes the same way (OPS-5).
 */
export function staffTokens(secret: string, now: () => Date) {
  const sign = createSigner({ key: secret, algorithm: 'HS256', aud: AUDIENCE, noTimestamp: true })
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], allowedAud: AUDIENCE, ignoreExpiration: true, cache: false })
  return {
    sign(claims: Omit<StaffClaims, 'typ'>): { token: string; expiresAt: Date } {
      const iat = Math.floor(now().getTime() / 1000)
      const exp = iat + STAFF_TOKEN_TTL_SECONDS
      return { token: sign({ typ: 'staff', ...claims, iat, exp }), expiresAt: new Date(exp * 1000) }
    },
    /** The claims of a valid, unexpired staff token, else null. */
    verify(token: string): StaffClaims | null {
      let payload: Record<string, unknown>
      try {
        payload = verify(token) as Record<string, unknown>
      } catch {
        return null
      }
      const { typ, stf, tv, role, exp } = payload
      if (typ !== 'staff' || typeof stf !== 'number' || typeof tv !== 'number' || typeof exp !== 'number') return null
      if (role !== 'admin' && role !== 'operator') return null
      if (exp * 1000 <= now().getTime()) return null
      return { typ, stf, tv, role }
    },
  }
}
