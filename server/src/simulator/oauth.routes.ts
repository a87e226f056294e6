// Web OAuth (§1): the authorize page at /open and the sns/* API at /api.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { apiError, queryParam } from './api-reply.ts'
import { AUTHORIZE_SCRIPT, authorizePage, errorPage, type AuthorizeRequest } from './authorize-page.ts'
import type { SimContext } from './context.ts'
import { escapeHtml, newOpenid, utf8Bytes } from './util.ts'

const ORDER = ['appid', 'redirect_uri', 'response_type', 'scope', 'state'] as const
const SCOPES = new Set(['snsapi_base', 'snsapi_userinfo'])

type Checked = { ok: true; req: AuthorizeRequest } | { ok: false; message: string; code?: number }

/**
 * WeChat matches the authorize link with a strict pattern, so the five known parameters must
 * appear in the documented order. Extra parameters WeChat itself adds (connect_redirect,
 * forcePopup) are ignored; `#wechat_redirect` is a fragment and never reaches a server.
 */
export function checkParameterOrder(rawQuery: string): string | undefined {
  const keys = rawQuery.split('&').filter(Boolean).map((pair) => {
    const key = pair.split('=')[0] ?? ''
    try {
      return decodeURIComponent(key)
    } catch {
      return key
    }
  })
  const known = keys.filter((k): k is (typeof ORDER)[number] => (ORDER as readonly string[]).includes(k))
  if (new Set(known).size !== known.length) return '参数重复'
  const expected = ORDER.filter((k) => known.includes(k))
  if (known.join() !== expected.join()) return `参数顺序错误，应为 ${ORDER.join(', ')}`
  return undefined
}

export function checkAuthorize(ctx: SimContext, p: Record<string, string | undefined>): Checked {
  const { appid, redirect_uri: redirectUri, response_type: responseType, scope, state = '' } = p
  if (!appid) return { ok: false, message: 'appid不能为空', code: 10012 }
  if (!redirectUri) return { ok: false, message: 'redirect_uri不能为空', code: 10011 }
  if (!scope) return { ok: false, message: 'scope不能为空', code: 10010 }
  if (appid !== ctx.config.appId) return { ok: false, message: 'redirect_uri域名与后台配置不一致', code: 10003 }
  if (responseType !== 'code') return { ok: false, message: 'response_type参数错误' }
  if (!SCOPES.has(scope)) return { ok: false, message: '此公众号并没有这些scope的权限', code: 10005 }
  if (utf8Bytes(state) > 128 || !/^[a-zA-Z0-9]*$/.test(state)) return { ok: false, message: 'state参数错误（a-zA-Z0-9，最多128字节）' }
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return { ok: false, message: 'redirect_uri参数错误' }
  }
  const hosts = ctx.config.oauthCallbackHosts.map((h) => h.toLowerCase())
  if (!/^https?:$/.test(url.protocol) || !hosts.includes(url.host.toLowerCase())) {
    return { ok: false, message: 'redirect_uri域名与后台配置不一致', code: 10003 }
  }
  return { ok: true, req: { appid, redirectUri, responseType, scope, state } }
}

/** Appends parameters to the callback, before any fragment, with `&` when it already has a query. */
export function callbackUrl(redirectUri: string, params: Record<string, string>): string {
  const hashAt = redirectUri.indexOf('#')
  const base = hashAt < 0 ? redirectUri : redirectUri.slice(0, hashAt)
  const fragment = hashAt < 0 ? '' : redirectUri.slice(hashAt)
  const query = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
  return `${base}${base.includes('?') ? '&' : '?'}${query}${fragment}`
}

function html(reply: FastifyReply, body: string): FastifyReply {
  return reply.code(200).type('text/html; charset=utf-8').send(body)
}

export function oauthPageRoutes(ctx: SimContext) {
  return async (app: FastifyInstance) => {
    app.get('/connect/oauth2/authorize', async (request, reply) => {
      const rawQuery = request.url.split('?')[1] ?? ''
      const orderProblem = checkParameterOrder(rawQuery)
      if (orderProblem) return html(reply, errorPage(orderProblem))
      const checked = checkAuthorize(ctx, Object.fromEntries(new URLSearchParams(rawQuery)))
      if (!checked.ok) return html(reply, errorPage(checked.message, checked.code))
      return html(reply, authorizePage(checked.req, ctx.state.usersByRecency()))
    })

    app.post('/connect/oauth2/authorize/decide', async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string | undefined>
      const checked = checkAuthorize(ctx, form)
      if (!checked.ok) return html(reply, errorPage(checked.message, checked.code))
      const { req } = checked
      if (form.action !== 'allow') return reply.redirect(callbackUrl(req.redirectUri, { state: req.state }), 302)
      const now = ctx.now()
      let openid: string
      const snapshot = form.snapshot === '1'
      if (snapshot) {
        // A snapshot-page identity is a virtual account: never registered, so it cannot pay.
        openid = newOpenid(req.appid)
      } else {
        // A typed nickname is a new user even when an existing one is still selected (the most
        // recent is preselected, and typing does not move a radio button without the page's script).
        const typed = (form.nickname ?? '').trim().slice(0, 32)
        let user = !typed && form.user && form.user !== 'new' ? ctx.state.users.get(form.user) : undefined
        if (!user) user = ctx.state.createUser(typed || `测试用户${ctx.state.users.size + 1}`, now)
        user.lastUsedAt = now
        openid = ctx.state.openidFor(user, req.appid)
        ctx.state.changed()
      }
      const code = ctx.creds.issueCode({ appid: req.appid, openid, scope: req.scope, snapshot })
      return reply.redirect(callbackUrl(req.redirectUri, { code, state: req.state }), 302)
    })

    app.get('/connect/oauth2/authorize.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(AUTHORIZE_SCRIPT))

    // Avatars are served locally so the H5 never needs the internet in development.
    app.get('/avatar/:userId/:size', async (request, reply) => {
      const { userId } = request.params as { userId: string }
      const user = ctx.state.users.get(userId)
      const letter = escapeHtml([...(user?.nickname ?? '微')][0] ?? '微')
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132"><rect width="132" height="132" fill="#07c160"/><text x="66" y="84" font-size="56" text-anchor="middle" fill="#fff">${letter}</text></svg>`
      return reply.type('image/svg+xml').send(svg)
    })
  }
}

export function snsRoutes(ctx: SimContext) {
  return async (app: FastifyInstance) => {
    const tokenResponse = (grant: { openid: string; scope: string; snapshot: boolean }, issued: { accessToken: string; refreshToken: string; expiresIn: number }) => ({
      access_token: issued.accessToken,
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      openid: grant.openid,
      scope: grant.scope,
      ...(grant.snapshot ? { is_snapshotuser: 1 } : {}),
    })

    app.get('/sns/oauth2/access_token', async (request, reply) => {
      const appid = queryParam(request, 'appid')
      const code = queryParam(request, 'code')
      if (appid !== ctx.config.appId) return apiError(reply, 40013, 'invalid appid')
      if (queryParam(request, 'secret') !== ctx.config.appSecret) return apiError(reply, 40125, 'invalid appsecret')
      if (!code) return apiError(reply, 41008, 'missing code')
      if (queryParam(request, 'grant_type') !== 'authorization_code') return apiError(reply, 40002, 'invalid grant_type')
      const redeemed = ctx.creds.redeemCode(appid, code)
      if (!redeemed.ok) return apiError(reply, redeemed.errcode, redeemed.errmsg)
      return tokenResponse(redeemed.value, ctx.creds.issueWebToken(redeemed.value))
    })

    app.get('/sns/oauth2/refresh_token', async (request, reply) => {
      const appid = queryParam(request, 'appid')
      const refreshToken = queryParam(request, 'refresh_token')
      if (appid !== ctx.config.appId) return apiError(reply, 40013, 'invalid appid')
      if (queryParam(request, 'grant_type') !== 'refresh_token') return apiError(reply, 40002, 'invalid grant_type')
      if (!refreshToken) return apiError(reply, 41003, 'missing refresh_token')
      const used = ctx.creds.useRefreshToken(appid, refreshToken)
      if (!used.ok) return apiError(reply, used.errcode, used.errmsg)
      return tokenResponse(used.value, ctx.creds.issueWebToken(used.value, refreshToken))
    })

    app.get('/sns/userinfo', async (request, reply) => {
      const accessToken = queryParam(request, 'access_token')
      const openid = queryParam(request, 'openid')
      if (!accessToken) return apiError(reply, 41001, 'access_token missing')
      if (!openid) return apiError(reply, 41009, 'missing openid')
      const checked = ctx.creds.checkWebToken(accessToken, openid)
      if (!checked.ok) return apiError(reply, checked.errcode, checked.errmsg)
      if (!checked.value.scope.split(',').includes('snsapi_userinfo')) return apiError(reply, 48001, 'api unauthorized')
      const userId = ctx.state.openids.get(openid)?.userId
      const user = userId ? ctx.state.users.get(userId) : undefined
      const origin = `${request.protocol}://${request.host}`
      return {
        openid,
        nickname: user?.nickname ?? '微信用户',
        sex: 0,
        language: '',
        city: '',
        province: '',
        country: '',
        headimgurl: `${origin}${ctx.prefix}/open/avatar/${user?.id ?? 'snapshot'}/132`,
        privilege: [],
      }
    })

    app.get('/sns/auth', async (request, reply) => {
      const checked = ctx.creds.checkWebToken(queryParam(request, 'access_token') ?? '', queryParam(request, 'openid') ?? '')
      if (!checked.ok) return apiError(reply, checked.errcode, checked.errmsg)
      return { errcode: 0, errmsg: 'ok' }
    })
  }
}
