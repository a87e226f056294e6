// Basic access token, stable token, jsapi_ticket and menu (§2.1–2.3, §2.7), under /api.
import type { FastifyInstance } from 'fastify'
import { apiError, queryParam } from './api-reply.ts'
import { RawBody } from './body.ts'
import type { SimContext } from './context.ts'
import { selfMenuInfo, validateMenu } from './menu.ts'

export function tokenRoutes(ctx: SimContext) {
  return async (app: FastifyInstance) => {
    app.get('/cgi-bin/token', async (request, reply) => {
      const appid = queryParam(request, 'appid')
      if (queryParam(request, 'grant_type') !== 'client_credential') return apiError(reply, 40002, 'invalid grant_type')
      if (appid !== ctx.config.appId) return apiError(reply, 40013, 'invalid appid')
      if (queryParam(request, 'secret') !== ctx.config.appSecret) return apiError(reply, 40125, 'invalid appsecret')
      const issued = ctx.creds.issueBasicToken(appid)
      if (!issued.ok) return apiError(reply, issued.errcode, issued.errmsg)
      return { access_token: issued.value.token, expires_in: issued.value.expiresIn }
    })

    app.post('/cgi-bin/stable_token', async (request, reply) => {
      const body = request.body instanceof RawBody ? request.body : undefined
      if (!body || !body.jsonOk || typeof body.json !== 'object' || body.json === null) return apiError(reply, 47001, 'data format error')
      const { grant_type: grantType, appid, secret, force_refresh: force } = body.json as Record<string, unknown>
      if (grantType !== 'client_credential') return apiError(reply, 40002, 'invalid grant_type')
      if (appid !== ctx.config.appId) return apiError(reply, 40013, 'invalid appid')
      if (secret !== ctx.config.appSecret) return apiError(reply, 40125, 'invalid appsecret')
      if (force !== undefined && typeof force !== 'boolean') return apiError(reply, 47001, 'data format error')
      const issued = ctx.creds.stableToken(appid, force === true)
      if (!issued.ok) return apiError(reply, issued.errcode, issued.errmsg)
      return { access_token: issued.value.token, expires_in: issued.value.expiresIn }
    })

    app.get('/cgi-bin/ticket/getticket', async (request, reply) => {
      const type = queryParam(request, 'type')
      if (type !== 'jsapi') return apiError(reply, 40097, 'invalid args')
      const got = ctx.creds.getTicket(queryParam(request, 'access_token') ?? '')
      if (!got.ok) return apiError(reply, got.errcode, got.errmsg)
      return { errcode: 0, errmsg: 'ok', ticket: got.value.ticket, expires_in: got.value.expiresIn }
    })

    app.post('/cgi-bin/menu/create', async (request, reply) => {
      const token = ctx.creds.checkBasicToken(queryParam(request, 'access_token') ?? '')
      if (!token.ok) return apiError(reply, token.errcode, token.errmsg)
      const body = request.body instanceof RawBody ? request.body : undefined
      if (!body || body.raw.length === 0) return apiError(reply, 44002, 'empty post data')
      if (!body.jsonOk) return apiError(reply, 47001, 'data format error')
      const invalid = validateMenu(body.json)
      if (invalid) return apiError(reply, invalid.errcode, invalid.errmsg)
      ctx.state.menu = body.json
      ctx.state.changed()
      return { errcode: 0, errmsg: 'ok' }
    })

    app.get('/cgi-bin/get_current_selfmenu_info', async (request, reply) => {
      const token = ctx.creds.checkBasicToken(queryParam(request, 'access_token') ?? '')
      if (!token.ok) return apiError(reply, token.errcode, token.errmsg)
      return selfMenuInfo(ctx.state.menu)
    })
  }
}
