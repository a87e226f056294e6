import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WechatCallbackQuerySchema, WechatStartQuerySchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { WechatApiError } from '../../integrations/wechat/errors.ts'
import { buildAuthorizeUrl } from '../../integrations/wechat/oauth.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { isSessionEndedError } from '../../plugins/auth.errors.ts'
import { OAUTH_STATE_COOKIE, readSigned, setPendingOpenid, setRefreshCookie, type CookiePolicy } from './auth-cookies.http.ts'
import { AccountDisabledError } from './auth.errors.ts'
import { openSession } from './sessions.service.ts'
import { findUserByOpenid } from './users.repository.ts'
import { exchangeCodeOnce, safeReturnPath } from './wechat-oauth.service.ts'

export interface WechatOauthRoutesOptions {
  db: AppDb
  wechat: WechatSettings
  publicBaseUrl: string
  cookies: CookiePolicy
  now: () => Date
}

// WeChat codes that mean "this code is no good, authorise again" (docs/wechat-protocol.md §1.7).
const RESTART_ERRCODES = new Set([40029, 40163, 42003])
const STATE_PATH = '/api/auth/wechat'

/**
 * Web OAuth (ACC-4), silent snsapi_base. /start sets a state cookie and sends the browser to
 * WeChat; /callback checks the state, exchanges the code once and redirects to a clean H5 URL.
 */
const wechatOauthRoutes: FastifyPluginAsyncTypebox<WechatOauthRoutesOptions> = async (app, opts) => {
  const callbackUrl = `${opts.publicBaseUrl}${STATE_PATH}/callback`

  app.get(
    '/wechat/start',
    { schema: { tags: ['auth'], summary: '微信网页授权入口（公众号菜单链接）', querystring: WechatStartQuerySchema } },
    async (request, reply) => {
      const returnTo = safeReturnPath(request.query.returnTo)
      const state = randomBytes(16).toString('hex')
      const attempt = request.query.retry === '1' ? '1' : '0'
      reply.setCookie(OAUTH_STATE_COOKIE, `${state}|${attempt}|${returnTo}`, {
        path: STATE_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.cookies.secure,
        signed: true,
        maxAge: 10 * 60,
      })
      const url = buildAuthorizeUrl(opts.wechat, { redirectUri: callbackUrl, scope: 'snsapi_base', state })
      return reply.header('cache-control', 'no-store').redirect(url, 302)
    },
  )

  app.get(
    '/wechat/callback',
    { schema: { tags: ['auth'], summary: '微信网页授权回调', querystring: WechatCallbackQuerySchema } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const saved = readSigned(request, OAUTH_STATE_COOKIE)
      const [state, attempt, ...rest] = saved?.split('|') ?? []
      const returnTo = safeReturnPath(rest.join('|'))
      const loginPage = (reason: string) => `/login?returnTo=${encodeURIComponent(returnTo)}&wechat=${reason}`
      // The state cookie is kept for a few minutes so a reloaded callback passes this check again.
      if (!state || request.query.state !== state) return reply.redirect(loginPage('state'), 302)
      if (!request.query.code) return reply.redirect(loginPage('denied'), 302)

      let identity
      try {
        identity = await exchangeCodeOnce(opts.db, opts.wechat, request.query.code, opts.now())
      } catch (error) {
        request.log.warn({ errcode: error instanceof WechatApiError ? error.errcode : undefined, err: error instanceof WechatApiError ? undefined : error }, 'WeChat code exchange failed')
        if (error instanceof WechatApiError && RESTART_ERRCODES.has(error.errcode) && attempt !== '1') {
          // One fresh authorisation; a second failure goes to the sign-in page instead of looping.
          return reply.redirect(`${STATE_PATH}/start?retry=1&returnTo=${encodeURIComponent(returnTo)}`, 302)
        }
        return reply.redirect(loginPage('failed'), 302)
      }
      // Snapshot-page users are virtual: never bound, never signed in (docs/wechat-protocol.md §1.2).
      if (identity.isSnapshotUser) return reply.redirect(`/wechat-snapshot?returnTo=${encodeURIComponent(returnTo)}`, 302)

      const user = await findUserByOpenid(opts.db, identity.openid)
      if (user) {
        // Refused when 解除绑定 committed since the lookup, or staff disabled the account (its password
        // sign-in then says so): the sign-in page, as for any failure.
        const session = await openSession(opts.db, user.id, { method: 'wechat', openid: identity.openid }, opts.now()).catch((error: unknown) => {
          if (isSessionEndedError(error) || error instanceof AccountDisabledError) return null
          throw error
        })
        if (!session) return reply.redirect(loginPage('failed'), 302)
        setRefreshCookie(reply, opts.cookies, session.refreshToken)
        return reply.redirect(returnTo, 302)
      }
      setPendingOpenid(reply, opts.cookies, identity.openid)
      return reply.redirect(loginPage('unbound'), 302)
    },
  )
}
export default wechatOauthRoutes
