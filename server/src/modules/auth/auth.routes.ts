import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  LoginBodySchema,
  RegisterBodySchema,
  ResetPasswordBodySchema,
  SendSmsCodeBodySchema,
  SendSmsCodeResultSchema,
  SessionSchema,
  WechatPendingSchema,
  type Session,
} from '@app/shared'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ACCESS_TOKEN_TTL_SECONDS } from '../../plugins/auth.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { isSessionEndedError } from '../../plugins/auth.errors.ts'
import { SessionExpiredError } from './auth.errors.ts'
import {
  clearPendingOpenid,
  clearRefreshCookie,
  readPendingOpenid,
  REFRESH_COOKIE,
  setRefreshCookie,
  type CookiePolicy,
} from './auth.cookies.ts'
import { bindWechat, describeMe, login, register, resetPassword, sendSmsCode, type AuthDeps } from './auth.service.ts'
import { openSession, revokeSession, rotateRefreshToken, type IssuedSession } from './sessions.service.ts'
import { findUserById, type UserRow } from './users.repository.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'

export interface AuthRoutesOptions {
  auth: AuthDeps
  sms: SmsProvider
  cookies: CookiePolicy
  wechatAppId: string
  now: () => Date
}

const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const { auth, cookies, now } = opts

  async function startSession(request: FastifyRequest, reply: FastifyReply, user: UserRow): Promise<Session> {
    const session = await openSession(auth.db, user.id, { method: 'password', passwordHash: user.passwordHash }, now())
    // A WeChat openid this browser arrived with (unbound at the time) is bound on first sign-in.
    let wechatBoundNow = false
    const pendingOpenid = readPendingOpenid(request)
    if (pendingOpenid) {
      await bindWechat(auth, { appId: opts.wechatAppId, openid: pendingOpenid, userId: user.id }).then(
        () => (wechatBoundNow = true),
        (error: unknown) => request.log.info({ code: (error as { code?: string }).code }, 'pending WeChat binding refused'),
      )
      clearPendingOpenid(reply, cookies)
    }
    return sessionBody(reply, user, session, wechatBoundNow)
  }

  async function sessionBody(reply: FastifyReply, user: UserRow, session: IssuedSession, wechatBoundNow: boolean): Promise<Session> {
    setRefreshCookie(reply, cookies, session.refreshToken)
    reply.header('cache-control', 'no-store')
    return {
      accessToken: app.signAccessToken({ uid: user.id, sid: session.sessionId, sv: session.sessionVersion }),
      expiresInSeconds: ACCESS_TOKEN_TTL_SECONDS,
      user: await describeMe(auth, user),
      wechatBoundNow,
    }
  }

  app.post(
    '/sms-codes',
    {
      schema: {
        tags: ['auth'],
        summary: '发送短信验证码（注册、忘记密码）',
        body: SendSmsCodeBodySchema,
        response: withErrors({ 200: SendSmsCodeResultSchema }),
      },
    },
    async (request) => sendSmsCode({ ...auth, sms: opts.sms, log: request.log }, request.body, request.ip, now()),
  )

  app.post(
    '/register',
    { schema: { tags: ['auth'], summary: '注册', body: RegisterBodySchema, response: withErrors({ 201: SessionSchema }) } },
    async (request, reply) => {
      const user = await register(auth, request.body, request.ip, now())
      reply.code(201)
      return startSession(request, reply, user)
    },
  )

  app.post(
    '/login',
    { schema: { tags: ['auth'], summary: '登录（身份证号或手机号 + 密码）', body: LoginBodySchema, response: withErrors({ 200: SessionSchema }) } },
    async (request, reply) => startSession(request, reply, await login(auth, request.body, request.ip, now())),
  )

  app.post(
    '/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: '用刷新令牌（Cookie）换取新的访问令牌（无 Cookie：204，未登录）',
        response: withErrors({ 200: SessionSchema, 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      const token = request.cookies[REFRESH_COOKIE]
      // No cookie at all is the ordinary first visit, not a failure: 204 says "no session" without
      // an error status, which browsers log as a console error on every signed-out first load.
      if (!token) return reply.code(204).send(null)
      try {
        const session = await rotateRefreshToken(auth.db, token, now())
        const user = await findUserById(auth.db, session.userId)
        if (!user) throw new SessionExpiredError()
        return sessionBody(reply, user, session, false)
      } catch (error) {
        if (isSessionEndedError(error)) clearRefreshCookie(reply, cookies)
        throw error
      }
    },
  )

  app.post(
    '/logout',
    { schema: { tags: ['auth'], summary: '退出登录', response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      const token = request.cookies[REFRESH_COOKIE]
      if (token) {
        await rotateRefreshToken(auth.db, token, now()).then(
          (session) => revokeSession(auth.db, session.sessionId, now()),
          () => undefined,
        )
      }
      clearRefreshCookie(reply, cookies)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/password-reset',
    { schema: { tags: ['auth'], summary: '忘记密码：手机号 + 短信验证码重置密码', body: ResetPasswordBodySchema, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await resetPassword(auth, request.body, request.ip, now())
      clearRefreshCookie(reply, cookies)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/wechat/pending',
    { schema: { tags: ['auth'], summary: '本浏览器是否带有待绑定的微信身份', response: withErrors({ 200: WechatPendingSchema }) } },
    async (request) => ({ pending: readPendingOpenid(request) !== null }),
  )
}
export default authRoutes
