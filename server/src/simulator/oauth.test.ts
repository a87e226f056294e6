import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { APP_ID, APP_SECRET, authorizeCode, startSimulator, type Harness } from '../../test/simulator-helpers.ts'

let h: Harness
beforeEach(async () => {
  h = await startSimulator()
})
afterEach(async () => {
  await h.sim.close()
  await h.app.close()
})

const REDIRECT = encodeURIComponent('https://h5.example.test/auth/callback?from=menu')
const authorizeUrl = (query: string) => `/wx-sim/open/connect/oauth2/authorize?${query}`
const exchange = (code: string, secret = APP_SECRET, appid = APP_ID) =>
  h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/oauth2/access_token?appid=${appid}&secret=${secret}&code=${code}&grant_type=authorization_code` })

describe('authorize page', () => {
  it('renders the chooser for a well-formed link', async () => {
    const res = await h.app.inject({ method: 'GET', url: authorizeUrl(`appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_base&state=xyz&connect_redirect=1`) })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('微信授权登录')
    expect(res.body).toContain('允许')
    expect(res.body).toContain('拒绝')
    expect(res.body).toContain('快照页模式')
    expect(res.body).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/)
  })

  it('lists existing users with the most recent one preselected (one tap)', async () => {
    await authorizeCode(h.app, { nickname: '<老王>' })
    const res = await h.app.inject({ method: 'GET', url: authorizeUrl(`appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_base&state=xyz`) })
    expect(res.body).toContain('&#60;老王&#62;')
    expect(res.body).toMatch(/name="user" value="[0-9a-f]+" checked/)
  })

  it.each([
    ['wrong order', `redirect_uri=${REDIRECT}&appid=${APP_ID}&response_type=code&scope=snsapi_base&state=s`, '参数顺序错误'],
    ['missing scope', `appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&state=s`, '10010'],
    ['bad response_type', `appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=token&scope=snsapi_base&state=s`, 'response_type'],
    ['unknown scope', `appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_login&state=s`, '10005'],
    ['state with symbols', `appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_base&state=a-b`, 'state'],
    ['state too long', `appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_base&state=${'a'.repeat(129)}`, 'state'],
    ['foreign callback host', `appid=${APP_ID}&redirect_uri=${encodeURIComponent('https://evil.test/cb')}&response_type=code&scope=snsapi_base&state=s`, 'redirect_uri域名与后台配置不一致'],
    ['wrong appid', `appid=wxffffffffffffffff&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_base&state=s`, '10003'],
  ])('shows a WeChat-like error page: %s', async (_name, query, text) => {
    const res = await h.app.inject({ method: 'GET', url: authorizeUrl(query) })
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain(text)
    expect(res.body).not.toContain('允许')
  })

  const decide = (fields: Record<string, string>) => h.app.inject({
    method: 'POST',
    url: '/wx-sim/open/connect/oauth2/authorize/decide',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      appid: APP_ID, redirect_uri: 'https://h5.example.test/auth/callback?from=menu', response_type: 'code', scope: 'snsapi_userinfo', state: 'st8', ...fields,
    }).toString(),
  })

  it('allow redirects with code and state appended with &', async () => {
    const res = await decide({ action: 'allow', user: 'new', nickname: '小明' })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toMatch(/^https:\/\/h5\.example\.test\/auth\/callback\?from=menu&code=[A-Za-z0-9_-]+&state=st8$/)
  })

  it('a typed nickname signs in as a new user even while the last user is still selected', async () => {
    const exchangeFrom = async (res: { headers: Record<string, unknown> }) => {
      const code = new URL(String(res.headers.location)).searchParams.get('code') as string
      return (await exchange(code)).json() as { openid: string }
    }
    const last = await exchangeFrom(await decide({ action: 'allow', user: 'new', nickname: '上一位' }))
    const page = await h.app.inject({ method: 'GET', url: authorizeUrl(`appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_userinfo&state=xyz`) })
    const preselected = /name="user" value="([0-9a-f]+)" checked/.exec(page.body)?.[1] as string
    // What the browser sends when a tester types a nickname and taps 允许 without touching the radios.
    const typed = await exchangeFrom(await decide({ action: 'allow', user: preselected, nickname: '新来的' }))
    expect(typed.openid).not.toBe(last.openid)
    const { users } = (await h.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: Array<{ nickname: string }> }
    expect(users.map((u) => u.nickname)).toEqual(expect.arrayContaining(['上一位', '新来的']))
    // Choosing the existing user (nickname left empty) is still that user.
    expect((await exchangeFrom(await decide({ action: 'allow', user: preselected, nickname: '' }))).openid).toBe(last.openid)
  })

  it('serves the page script from its own path (no inline script under the CSP)', async () => {
    const page = await h.app.inject({ method: 'GET', url: authorizeUrl(`appid=${APP_ID}&redirect_uri=${REDIRECT}&response_type=code&scope=snsapi_base&state=xyz`) })
    expect(page.body).toContain('<script src="authorize.js"></script>')
    const script = await h.app.inject({ method: 'GET', url: '/wx-sim/open/connect/oauth2/authorize.js' })
    expect(script.statusCode).toBe(200)
    expect(script.headers['content-type']).toContain('javascript')
  })

  it('deny redirects with state only', async () => {
    const res = await decide({ action: 'deny' })
    expect(res.headers.location).toBe('https://h5.example.test/auth/callback?from=menu&state=st8')
  })
})

describe('sns/oauth2/access_token', () => {
  it('exchanges a code once, with a realistic openid', async () => {
    const code = await authorizeCode(h.app, { scope: 'snsapi_base' })
    const first = await exchange(code)
    const body = first.json() as Record<string, unknown>
    expect(first.statusCode).toBe(200)
    expect(body).toMatchObject({ expires_in: 7200, scope: 'snsapi_base' })
    expect(body.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/)
    expect(body).not.toHaveProperty('is_snapshotuser')
    const again = await exchange(code)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ errcode: 40163 })
    expect((again.json() as { errmsg: string }).errmsg).toMatch(/^code been used, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/)
  })

  it('expires codes after 5 minutes', async () => {
    const code = await authorizeCode(h.app)
    h.clock.advance(5 * 60 * 1000)
    expect((await exchange(code)).json()).toMatchObject({ errcode: 42003 })
  })

  it('rejects wrong appid, wrong secret, missing and unknown codes', async () => {
    const code = await authorizeCode(h.app)
    expect((await exchange(code, APP_SECRET, 'wx0000000000000000')).json()).toMatchObject({ errcode: 40013 })
    expect((await exchange(code, 'wrong')).json()).toMatchObject({ errcode: 40125 })
    expect((await exchange('')).json()).toMatchObject({ errcode: 41008 })
    expect((await exchange('nosuchcode')).json()).toMatchObject({ errcode: 40029 })
    // the failed attempts did not consume it
    expect((await exchange(code)).json()).toHaveProperty('openid')
  })

  it('gives the same openid to the same user and marks snapshot users', async () => {
    const first = (await exchange(await authorizeCode(h.app, { nickname: '甲' }))).json() as { openid: string }
    const users = (await h.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: { id: string; openid: string }[] }
    const id = users.users[0]!.id
    expect(users.users[0]!.openid).toBe(first.openid)
    const second = (await exchange(await authorizeCode(h.app, { user: id }))).json() as { openid: string }
    expect(second.openid).toBe(first.openid)
    const snap = (await exchange(await authorizeCode(h.app, { user: id, snapshot: true }))).json() as { openid: string; is_snapshotuser?: number }
    expect(snap.is_snapshotuser).toBe(1)
    expect(snap.openid).not.toBe(first.openid)
  })
})

describe('web token APIs', () => {
  async function login(scope: string) {
    return (await exchange(await authorizeCode(h.app, { scope, nickname: '王五' }))).json() as { access_token: string; refresh_token: string; openid: string }
  }

  it('userinfo works for snsapi_userinfo and is 48001 for snsapi_base', async () => {
    const full = await login('snsapi_userinfo')
    const info = await h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/userinfo?access_token=${full.access_token}&openid=${full.openid}&lang=zh_CN` })
    expect(info.json()).toMatchObject({ openid: full.openid, nickname: '王五', sex: 0, privilege: [] })
    const base = await login('snsapi_base')
    const denied = await h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/userinfo?access_token=${base.access_token}&openid=${base.openid}` })
    expect(denied.json()).toMatchObject({ errcode: 48001 })
  })

  it('refresh_token issues a new access token; sns/auth checks it', async () => {
    const t = await login('snsapi_userinfo')
    const refreshed = (await h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/oauth2/refresh_token?appid=${APP_ID}&grant_type=refresh_token&refresh_token=${t.refresh_token}` })).json() as { access_token: string; refresh_token: string }
    expect(refreshed.access_token).not.toBe(t.access_token)
    expect(refreshed.refresh_token).toBe(t.refresh_token)
    const ok = await h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/auth?access_token=${refreshed.access_token}&openid=${t.openid}` })
    expect(ok.json()).toEqual({ errcode: 0, errmsg: 'ok' })
    h.clock.advance(7200 * 1000)
    const expired = await h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/auth?access_token=${refreshed.access_token}&openid=${t.openid}` })
    expect(expired.json()).toMatchObject({ errcode: 42001 })
    h.clock.advance(30 * 24 * 3600 * 1000)
    const dead = await h.app.inject({ method: 'GET', url: `/wx-sim/api/sns/oauth2/refresh_token?appid=${APP_ID}&grant_type=refresh_token&refresh_token=${t.refresh_token}` })
    expect(dead.json()).toMatchObject({ errcode: 42002 })
  })
})
