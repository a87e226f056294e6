import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { APP_ID, APP_SECRET, startSimulator, type Harness } from '../../test/simulator-helpers.ts'

let h: Harness
afterEach(async () => {
  await h.sim.close()
  await h.app.close()
})

const MIN = 60_000
const getToken = async () => (await h.app.inject({ method: 'GET', url: `/wx-sim/api/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}` })).json() as { access_token: string; expires_in: number; errcode?: number }
const stable = async (force?: boolean) => (await h.app.inject({
  method: 'POST',
  url: '/wx-sim/api/cgi-bin/stable_token',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify({ grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET, ...(force === undefined ? {} : { force_refresh: force }) }),
})).json() as { access_token: string; expires_in: number; errcode?: number }
const ticket = async (token: string) => (await h.app.inject({ method: 'GET', url: `/wx-sim/api/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi` })).json() as { errcode: number; ticket: string; expires_in: number }

describe('cgi-bin/token', () => {
  it('issues a new token per call; the previous one lives 5 more minutes, older ones die', async () => {
    h = await startSimulator()
    const a = await getToken()
    const b = await getToken()
    expect(a.expires_in).toBe(7200)
    expect(b.access_token).not.toBe(a.access_token)
    expect((await ticket(a.access_token)).errcode).toBe(0)
    const c = await getToken()
    expect((await ticket(a.access_token)).errcode).toBe(42001)
    expect((await ticket(b.access_token)).errcode).toBe(0)
    h.clock.advance(5 * MIN)
    expect((await ticket(b.access_token)).errcode).toBe(42001)
    expect((await ticket(c.access_token)).errcode).toBe(0)
    expect((await ticket('garbage')).errcode).toBe(40001)
  })

  it('answers 45009 past the daily quota and 40125 for a wrong secret', async () => {
    h = await startSimulator({ limits: { tokenPerDay: 2 } })
    await getToken()
    await getToken()
    expect((await getToken()).errcode).toBe(45009)
    const wrong = await h.app.inject({ method: 'GET', url: `/wx-sim/api/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=nope` })
    expect(wrong.statusCode).toBe(200)
    expect(wrong.json()).toMatchObject({ errcode: 40125 })
  })
})

describe('cgi-bin/stable_token', () => {
  it('returns the same token while valid and renews within the last 5 minutes', async () => {
    h = await startSimulator()
    const a = await stable()
    h.clock.advance(60 * MIN)
    const same = await stable()
    expect(same.access_token).toBe(a.access_token)
    expect(same.expires_in).toBe(3600)
    h.clock.advance(56 * MIN)
    const renewed = await stable()
    expect(renewed.access_token).not.toBe(a.access_token)
    expect(renewed.expires_in).toBeGreaterThanOrEqual(300)
    expect((await ticket(a.access_token)).errcode).toBe(0) // old one still valid for its last minutes
  })

  it('force_refresh kills the old token, needs 30 s spacing and is separate from cgi-bin/token', async () => {
    h = await startSimulator({ limits: { stableForcePerDay: 2 } })
    const a = await stable()
    const basic = await getToken()
    const forced = await stable(true)
    expect(forced.access_token).not.toBe(a.access_token)
    expect((await ticket(a.access_token)).errcode).toBe(42001)
    expect((await ticket(basic.access_token)).errcode).toBe(0)
    expect((await stable(true)).errcode).toBe(45011)
    h.clock.advance(31_000)
    expect((await stable(true)).access_token).toBeTruthy()
    h.clock.advance(31_000)
    expect((await stable(true)).errcode).toBe(45009)
    await getToken() // a basic token refresh does not touch the stable one
    expect((await ticket((await stable()).access_token)).errcode).toBe(0)
  })
})

describe('getticket and wx.config verification', () => {
  const sign = (t: string, noncestr: string, timestamp: string, url: string) =>
    createHash('sha1').update(`jsapi_ticket=${t}&noncestr=${noncestr}&timestamp=${timestamp}&url=${url}`).digest('hex')
  const verify = async (body: object) => (await h.app.inject({ method: 'POST', url: '/wx-sim/dev/jssdk/verify', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })).json() as { valid: boolean; matched: string | null; hints?: string[] }

  it('reproduces the official JS-SDK signature vectors', async () => {
    h = await startSimulator()
    const vector = { jsapi_ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg', noncestr: 'Wm3WZYTPz0wzccnW', timestamp: '1414587457' }
    expect(await verify({ ...vector, url: 'http://mp.weixin.qq.com', signature: 'f4d90daf4b3bca3078ab155816175ba34c443a7b' })).toMatchObject({ valid: true, matched: 'given' })
    expect(await verify({ ...vector, url: 'http://mp.weixin.qq.com?params=value', signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed' })).toMatchObject({ valid: true })
    expect(await verify({ ...vector, url: 'http://mp.weixin.qq.com?params=value', signature: 'f4d90daf4b3bca3078ab155816175ba34c443a7b' })).toMatchObject({ valid: false })
  })

  it('checks against the current and the previous ticket', async () => {
    h = await startSimulator()
    const token1 = (await stable()).access_token
    const t1 = await ticket(token1)
    expect(t1.expires_in).toBe(7200)
    expect((await ticket(token1)).ticket).toBe(t1.ticket) // cached per access token
    const url = 'https://h5.example.test/course/1?from=share'
    expect(await verify({ url, noncestr: 'n1', timestamp: '1700000000', signature: sign(t1.ticket, 'n1', '1700000000', url) })).toMatchObject({ valid: true, matched: 'current' })
    h.clock.advance(31_000)
    const t2 = await ticket((await stable(true)).access_token)
    expect(t2.ticket).not.toBe(t1.ticket)
    expect(await verify({ url, noncestr: 'n1', timestamp: '1700000000', signature: sign(t1.ticket, 'n1', '1700000000', url) })).toMatchObject({ valid: true, matched: 'previous' })
    const bad = await verify({ url: `${url}#/x`, noncestr: 'n1', timestamp: '1700000000', signature: sign(t2.ticket, 'n1', '1700000000', url) })
    expect(bad.valid).toBe(false)
    expect(bad.hints?.join()).toContain('#')
  })
})

describe('menu', () => {
  const create = async (token: string, menu: unknown) => (await h.app.inject({ method: 'POST', url: `/wx-sim/api/cgi-bin/menu/create?access_token=${token}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(menu) })).json() as { errcode: number }

  it('validates, stores and reads back the menu', async () => {
    h = await startSimulator()
    const token = (await stable()).access_token
    expect((await create(token, { button: [] })).errcode).toBe(40016)
    expect((await create(token, { button: [{ type: 'view', name: '学习' }] })).errcode).toBe(40022)
    expect((await create(token, { button: [{ name: '更多', sub_button: Array.from({ length: 6 }, (_, i) => ({ type: 'click', name: `m${i}`, key: `k${i}` })) }] })).errcode).toBe(40023)
    const menu = { button: [{ type: 'view', name: '学习', url: 'https://h5.example.test/' }, { name: '我的', sub_button: [{ type: 'view', name: '证书', url: 'https://h5.example.test/certs' }] }] }
    expect((await create('bad', menu)).errcode).toBe(40001)
    expect((await create(token, menu)).errcode).toBe(0)
    const info = (await h.app.inject({ method: 'GET', url: `/wx-sim/api/cgi-bin/get_current_selfmenu_info?access_token=${token}` })).json() as { is_menu_open: number; selfmenu_info: { button: unknown[] } }
    expect(info.is_menu_open).toBe(1)
    expect(info.selfmenu_info.button[1]).toEqual({ name: '我的', sub_button: { list: menu.button[1]!.sub_button } })
  })
})
