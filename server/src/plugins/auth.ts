import fp from 'fastify-plugin'
import fastifyCookie from '@fastify/cookie'
import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { verifiedTokens } from './verified-tokens.ts'
import { AccessTokenExpiredError, AccessTokenInvalidError, ConsentRequiredError, PasswordChangeRequiredError, SignInRequiredError, sessionEndedError } from './auth.errors.ts'

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
/** Verified tokens kept for the progress-report route: ~4 MB at most. */
const VERIFIED_TOKENS_KEPT = 10_000

export interface AccessClaims {
  /** user id */
  uid: number
  /** session id: logout and reset revoke it */
  sid: string
  /** the user's session version at sign-in: a password reset bumps it */
  sv: number
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims
    user: AccessClaims
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route stays open to an account that must still replace the initial password staff had
     * texted to it (ACC-5): 我的 and 修改密码. Every other authenticated route answers 403
     * PASSWORD_CHANGE_REQUIRED until the password is changed.
     */
    beforePasswordChange?: boolean
    /**
     * The route stays open to an account that has not yet agreed to the current 隐私政策 (and the
     * separate ID-number consent): 我的, 修改密码 and the consent route itself. Every other
     * authenticated route answers 403 CONSENT_REQUIRED until both consents are recorded.
     */
    beforeConsent?: boolean
  }
  interface FastifyInstance {
    /** preHandler: a valid access token of a live session, else 401. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>
    /**
     * preHandler: a valid access token signature only. For hot paths that re-check the session
     * themselves inside their own transaction (progress reports), saving a query per request.
     */
    verifyAccessToken(request: FastifyRequest, reply: FastifyReply): Promise<void>
    signAccessToken(claims: AccessClaims): string
  }
}

export interface SessionCheck {
  live: boolean
  mustChangePassword: boolean
  /** The account has no recorded consent to the current PRIVACY_POLICY_VERSION (both kinds). */
  consentRequired: boolean
  /** Why a revoked session ended (SessionEndReason), so the 401 can say so; null otherwise. */
  revokedReason: string | null
}

export interface AuthPluginOptions {
  jwtSecret: string
  cookieSecret: string
  /**
   * Whether the token's session is still live (see rules/sign-in-session.rules.ts), and whether its
   * account must still change its initial password. Handed in by the app, so this plugin depends on
   * no feature module.
   */
  checkSession(claims: AccessClaims, now: Date): Promise<SessionCheck>
  now: () => Date
}

/**
 * Verifies the bearer token. Every failure is the client's: a missing token, an expired one, and
 * anything else (bad signature, `alg: none`, a header that is not a JWT) all answer 401.
 */
async function verifiedClaims(request: FastifyRequest): Promise<AccessClaims> {
  try {
    return await request.jwtVerify<AccessClaims>()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') throw new SignInRequiredError()
    if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') throw new AccessTokenExpiredError()
    throw new AccessTokenInvalidError()
  }
}

/**
 * Access tokens are short-lived JWTs in the Authorization header; each is also checked against its
 * session row, so sign-out, a password change or reset and 解除绑定 end them at once, not 15
 * minutes later.
 * @see https://github.com/fastify/fastify-jwt
 */
export default fp<AuthPluginOptions>(
  async (app, opts) => {
    await app.register(fastifyCookie, { secret: opts.cookieSecret })
    await app.register(fastifyJwt, {
      secret: opts.jwtSecret,
      sign: { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_TTL_SECONDS },
      verify: { algorithms: ['HS256'] },
    })
    app.decorate('signAccessToken', (claims: AccessClaims) => app.jwt.sign(claims))
    // Only this hot path keeps verified tokens: `authenticate` reads the session row anyway.
    const verified = verifiedTokens<AccessClaims & { exp?: number }>(VERIFIED_TOKENS_KEPT)
    app.decorate('verifyAccessToken', async (request: FastifyRequest) => {
      const header = request.headers.authorization
      const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined
      const known = token === undefined ? undefined : verified.get(token, Date.now())
      if (known) {
        request.user = known
        return
      }
      const claims = await verifiedClaims(request)
      if (token !== undefined) verified.set(token, claims)
    })
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const claims = await verifiedClaims(request)
      const session = await opts.checkSession(claims, opts.now())
      // The row is read on every request, so revoking it (sign-out, 修改密码 elsewhere, 解除绑定)
      // ends its access tokens at once, with the reason in the answer.
      if (!session.live) throw sessionEndedError(session.revokedReason)
      // Enforced here, not only by the H5's router: the texted password must not open the API.
      if (session.mustChangePassword && request.routeOptions.config.beforePasswordChange !== true) throw new PasswordChangeRequiredError()
      // Likewise: no use of the API before the current 隐私政策 and the ID-number consent are agreed.
      if (session.consentRequired && request.routeOptions.config.beforeConsent !== true) throw new ConsentRequiredError()
    })
  },
  { name: 'auth', dependencies: ['error-handler'] },
)
