import fp from 'fastify-plugin'
import fastifyCookie from '@fastify/cookie'
import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDb } from '../db/client.ts'
import { isSessionLive } from '../modules/auth/sessions.service.ts'
import { SessionExpiredError } from '../modules/auth/auth.errors.ts'

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60

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

export interface AuthPluginOptions {
  db: AppDb
  jwtSecret: string
  cookieSecret: string
}

/**
 * Access tokens are short-lived JWTs in the Authorization header; each is also checked against its
 * session row, so sign-out and password reset end them at once, not 15 minutes later.
 * @see https://github.com/fastify/fastify-jwt
 */
export default fp<AuthPluginOptions>(
  async (app, opts) => {
    await app.register(fastifyCookie, { secret: opts.cookieSecret })
    await app.register(fastifyJwt, { secret: opts.jwtSecret, sign: { expiresIn: ACCESS_TOKEN_TTL_SECONDS } })
    app.decorate('signAccessToken', (claims: AccessClaims) => app.jwt.sign(claims))
    app.decorate('verifyAccessToken', async (request: FastifyRequest) => {
      await request.jwtVerify<AccessClaims>()
    })
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const claims = await request.jwtVerify<AccessClaims>()
      if (!(await isSessionLive(opts.db, claims.sid, claims.uid, claims.sv, new Date()))) {
        throw new SessionExpiredError()
      }
    })
  },
  { name: 'auth', dependencies: ['error-handler'] },
)
