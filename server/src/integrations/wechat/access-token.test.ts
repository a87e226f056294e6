import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDatabase } from '../../db/client.ts'
import type { Database } from '../../db/client.ts'
import { wechatCredentials } from '../../db/schema/wechat.ts'
import { getAccessToken, withAccessToken } from './access-token.ts'
import { getJsapiTicket } from './jsapi-ticket.ts'
import { buildJsSdkConfig, signJsSdkConfig } from './jssdk.ts'
import { JsSdkUrlNotAllowedError, WechatApiError } from './errors.ts'
import { sendJson, startStandIn } from '../../../test/wechat-stand-in-helpers.ts'
import type { StandIn } from '../../../test/wechat-stand-in-helpers.ts'

/**
 * A stand-in for api.weixin.qq.com with stable_token semantics: normal mode returns the current
 * token while it is valid; force mode replaces it. getticket accepts only the current token.
 */
const upstream = {
  current: null as string | null,
  issued: 0,
  stableCalls: [] as Array<{ force_refresh: boolean; appid: string; secret: string }>,
  ticketCalls: 0,
  /** Extra latency so concurrent callers really overlap. */
  delayMs: 50,
  stableError: null as { errcode: number; errmsg: string } | null,
}

let standIn: StandIn
let database: Database
let clock = 1_700_000_000_000
const options = { now: () => clock, busyRetryDelayMs: 1 }
const settings = () => ({ appId: 'wxapp', appSecret: 'the-secret', apiBase: standIn.baseUrl })

beforeAll(async () => {
  database = await createDatabase({ memory: true })
  await database.migrate()
  standIn = await startStandIn(async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, upstream.delayMs))
    const url = new URL(req.url, 'http://x')
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      const body = JSON.parse(req.body) as { force_refresh: boolean; appid: string; secret: string; grant_type: string }
      upstream.stableCalls.push(body)
      if (upstream.stableError) return sendJson(res, 200, upstream.stableError)
      if (body.grant_type !== 'client_credential') return sendJson(res, 200, { errcode: 40002, errmsg: 'invalid grant_type' })
      if (body.force_refresh || upstream.current === null) upstream.current = `token-${++upstream.issued}`
      return sendJson(res, 200, { access_token: upstream.current, expires_in: 7200 })
    }
    if (req.method === 'GET' && url.pathname === '/cgi-bin/ticket/getticket') {
      upstream.ticketCalls += 1
      if (url.searchParams.get('access_token') !== upstream.current || url.searchParams.get('type') !== 'jsapi') {
        return sendJson(res, 200, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest, rid: 1' })
      }
      return sendJson(res, 200, { errcode: 0, errmsg: 'ok', ticket: `ticket-for-${upstream.current}`, expires_in: 7200 })
    }
    sendJson(res, 404, {})
  })
})

afterAll(async () => {
  await standIn.close()
  await database.close()
})

beforeEach(async () => {
  await database.db.delete(wechatCredentials)
  Object.assign(upstream, { current: null, issued: 0, stableCalls: [], ticketCalls: 0, delayMs: 50, stableError: null })
  standIn.requests.length = 0
  clock = 1_700_000_000_000
})

describe('getAccessToken', () => {
  it('makes exactly one upstream call when two requests need a token at once', async () => {
    const [a, b] = await Promise.all([getAccessToken(database.db, settings(), options), getAccessToken(database.db, settings(), options)])
    expect(a).toBe('token-1')
    expect(b).toBe('token-1')
    expect(upstream.stableCalls).toEqual([{ grant_type: 'client_credential', appid: 'wxapp', secret: 'the-secret', force_refresh: false }])
  })

  it('reuses a cached token while it has more than 5 minutes left, then refreshes in normal mode', async () => {
    await getAccessToken(database.db, settings(), options)
    clock += (7200 - 301) * 1000
    expect(await getAccessToken(database.db, settings(), options)).toBe('token-1')
    expect(upstream.stableCalls).toHaveLength(1)
    clock += 2_000
    upstream.current = 'token-renewed'
    expect(await getAccessToken(database.db, settings(), options)).toBe('token-renewed')
    expect(upstream.stableCalls.map((c) => c.force_refresh)).toEqual([false, false])
  })

  it('stores nothing when WeChat refuses, and surfaces the errcode', async () => {
    upstream.stableError = { errcode: 40125, errmsg: 'invalid appsecret, rid: x' }
    await expect(getAccessToken(database.db, settings(), options)).rejects.toMatchObject({ name: 'WechatApiError', errcode: 40125 })
    expect(await database.db.select().from(wechatCredentials)).toEqual([])
  })
})

describe('withAccessToken', () => {
  it('forces a refresh only when the normal call returns the very token WeChat rejected', async () => {
    const seen: string[] = []
    const result = await withAccessToken(
      database.db,
      settings(),
      async (token) => {
        seen.push(token)
        if (seen.length === 1) throw new WechatApiError('some/api', 40001, 'invalid credential')
        return 'done'
      },
      options,
    )
    expect(result).toBe('done')
    expect(seen).toEqual(['token-1', 'token-2'])
    expect(upstream.stableCalls.map((c) => c.force_refresh)).toEqual([false, false, true])
  })

  it('does not force when WeChat already has a newer token', async () => {
    await getAccessToken(database.db, settings(), options)
    upstream.current = 'token-newer'
    const seen: string[] = []
    await withAccessToken(
      database.db,
      settings(),
      async (token) => {
        seen.push(token)
        if (token === 'token-1') throw new WechatApiError('some/api', 42001, 'access_token expired')
      },
      options,
    )
    expect(seen).toEqual(['token-1', 'token-newer'])
    expect(upstream.stableCalls.map((c) => c.force_refresh)).toEqual([false, false])
  })

  it('passes other errors through without refreshing', async () => {
    await expect(
      withAccessToken(database.db, settings(), async () => Promise.reject(new WechatApiError('x', 45009, 'quota')), options),
    ).rejects.toMatchObject({ errcode: 45009 })
    expect(upstream.stableCalls).toHaveLength(1)
  })
})

describe('getJsapiTicket', () => {
  it('caches the ticket: concurrent and later callers share one getticket call', async () => {
    const tickets = await Promise.all([1, 2, 3].map(() => getJsapiTicket(database.db, settings(), options)))
    expect(new Set(tickets)).toEqual(new Set(['ticket-for-token-1']))
    expect(await getJsapiTicket(database.db, settings(), options)).toBe('ticket-for-token-1')
    expect(upstream.ticketCalls).toBe(1)
    expect(upstream.stableCalls).toHaveLength(1)
  })

  it('refreshes the access token first when getticket says it is invalid', async () => {
    await getAccessToken(database.db, settings(), options)
    upstream.current = 'token-replaced'
    expect(await getJsapiTicket(database.db, settings(), options)).toBe('ticket-for-token-replaced')
    expect(upstream.ticketCalls).toBe(2)
    expect(upstream.stableCalls.map((c) => c.force_refresh)).toEqual([false, false])
    expect(await getAccessToken(database.db, settings(), options)).toBe('token-replaced')
  })
})

describe('buildJsSdkConfig', () => {
  const origins = ['https://h5.example.com']

  it('signs our page with the cached ticket', async () => {
    const url = 'https://h5.example.com/plans/1?from=menu#/x'
    const config = await buildJsSdkConfig(database.db, settings(), url, origins, options)
    expect(config).toMatchObject({ appId: 'wxapp', timestamp: 1_700_000_000 })
    expect(config.nonceStr).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(config.signature).toBe(
      signJsSdkConfig({ ticket: 'ticket-for-token-1', url: 'https://h5.example.com/plans/1?from=menu', nonceStr: config.nonceStr, timestamp: config.timestamp }),
    )
  })

  it('refuses other origins without calling WeChat', async () => {
    for (const url of [
      'https://evil.example.com/',
      'http://h5.example.com/',
      'https://h5.example.com.evil.com/',
      'https://h5.example.com:8443/',
      'javascript:alert(1)',
      'https://h5.example.com/\n',
      '/relative',
    ]) {
      await expect(buildJsSdkConfig(database.db, settings(), url, origins, options)).rejects.toBeInstanceOf(JsSdkUrlNotAllowedError)
    }
    expect(standIn.requests).toHaveLength(0)
  })
})
