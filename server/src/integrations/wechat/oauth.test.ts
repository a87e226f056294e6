import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { buildAuthorizeUrl, exchangeCode } from './oauth.ts'
import { WechatApiError, WechatInvalidInputError, WechatNetworkError } from './errors.ts'
import { sendJson, startStandIn } from '../../../test/wechat-stand-in-helpers.ts'
import type { StandIn } from '../../../test/wechat-stand-in-helpers.ts'

const oauthSettings = { appId: 'wx1234567890abcdef', oauthBase: 'https://open.weixin.qq.com' }

describe('buildAuthorizeUrl', () => {
  it('puts the parameters in WeChat’s fixed order, encodes redirect_uri as one value and ends with #wechat_redirect', () => {
    const url = buildAuthorizeUrl(oauthSettings, {
      redirectUri: 'https://h5.example.com/auth/callback?next=/plans/1',
      scope: 'snsapi_base',
      state: 'abc123XYZ',
    })
    expect(url).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef' +
        '&redirect_uri=https%3A%2F%2Fh5.example.com%2Fauth%2Fcallback%3Fnext%3D%2Fplans%2F1' +
        '&response_type=code&scope=snsapi_base&state=abc123XYZ#wechat_redirect',
    )
  })

  it('refuses a state WeChat would mangle or reject', () => {
    const base = { redirectUri: 'https://h5.example.com/cb', scope: 'snsapi_userinfo' as const }
    for (const state of ['', 'a-b', 'a'.repeat(129), '{"x":1}', 'é']) {
      expect(() => buildAuthorizeUrl(oauthSettings, { ...base, state })).toThrow(WechatInvalidInputError)
    }
    expect(buildAuthorizeUrl(oauthSettings, { ...base, state: 'a'.repeat(128) })).toContain('scope=snsapi_userinfo&state=')
  })

  it('refuses a relative redirect URI', () => {
    expect(() => buildAuthorizeUrl(oauthSettings, { redirectUri: '/cb', scope: 'snsapi_base', state: 's' })).toThrow(
      WechatInvalidInputError,
    )
  })
})

describe('exchangeCode', () => {
  let standIn: StandIn | undefined
  afterEach(async () => {
    await standIn?.close()
    standIn = undefined
  })

  const settingsFor = (s: StandIn) => ({ appId: 'wxapp', appSecret: 'the-secret', apiBase: s.baseUrl })

  it('sends appid, secret, code and grant_type in order and returns the identity', async () => {
    standIn = await startStandIn((_req, res) =>
      sendJson(res, 200, { access_token: 'web-token', expires_in: 7200, refresh_token: 'r', openid: 'o-1', scope: 'snsapi_base' }),
    )
    const identity = await exchangeCode(settingsFor(standIn), 'CODE+1')
    expect(identity).toEqual({ openid: 'o-1', scope: 'snsapi_base', isSnapshotUser: false })
    expect(standIn.requests[0]?.url).toBe('/sns/oauth2/access_token?appid=wxapp&secret=the-secret&code=CODE%2B1&grant_type=authorization_code')
  })

  it('flags snapshot users and passes unionid through', async () => {
    standIn = await startStandIn((_req, res) =>
      sendJson(res, 200, { access_token: 't', expires_in: 7200, openid: 'o-2', scope: 'snsapi_userinfo', is_snapshotuser: 1, unionid: 'u-2' }),
    )
    expect(await exchangeCode(settingsFor(standIn), 'c')).toEqual({
      openid: 'o-2',
      scope: 'snsapi_userinfo',
      isSnapshotUser: true,
      unionid: 'u-2',
    })
  })

  it('turns an HTTP 200 errcode into WechatApiError, whatever the errmsg suffix', async () => {
    standIn = await startStandIn((_req, res) => sendJson(res, 200, { errcode: 40163, errmsg: 'code been used, rid: 6622-abc' }))
    const error = await exchangeCode(settingsFor(standIn), 'used').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatApiError)
    expect(error).toMatchObject({ errcode: 40163 })
    expect(String(error)).not.toContain('the-secret')
    expect(standIn.requests).toHaveLength(1)
  })

  it('retries exactly once when WeChat is busy (-1)', async () => {
    let calls = 0
    standIn = await startStandIn((_req, res) => {
      calls += 1
      if (calls === 1) sendJson(res, 200, { errcode: -1, errmsg: 'system error' })
      else sendJson(res, 200, { openid: 'o-3', scope: 'snsapi_base', access_token: 't', expires_in: 7200 })
    })
    expect((await exchangeCode(settingsFor(standIn), 'c', { busyRetryDelayMs: 1 })).openid).toBe('o-3')
    expect(calls).toBe(2)
  })

  it('gives up after the second busy answer', async () => {
    standIn = await startStandIn((_req, res) => sendJson(res, 200, { errcode: -1, errmsg: 'system error' }))
    await expect(exchangeCode(settingsFor(standIn), 'c', { busyRetryDelayMs: 1 })).rejects.toMatchObject({ errcode: -1 })
    expect(standIn.requests).toHaveLength(2)
  })

  it('reports a timeout as WechatNetworkError', async () => {
    standIn = await startStandIn(() => {
      /* never answers */
    })
    const error = await exchangeCode(settingsFor(standIn), 'c', { timeoutMs: 100 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatNetworkError)
    expect(error).toMatchObject({ reason: 'timeout' })
  })

  it('reports a refused connection as WechatNetworkError', async () => {
    const closed = await startStandIn(() => {})
    const settings = settingsFor(closed)
    await closed.close()
    const error = await exchangeCode(settings, 'c').catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'WechatNetworkError', reason: 'network' })
    // The URL carries the AppSecret: neither the error nor its cause may contain it.
    expect(inspect(error, { depth: 10 })).not.toContain('the-secret')
  })
})
