import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { PASSWORD, bearer, cookieValue, registerLearner } from '../../../test/auth-helpers.ts'
import { exchangeCode } from '../../integrations/wechat/oauth.ts'
import { setDisabledByStaff } from './learner-admin.service.ts'
import { authorise as authoriseWith, followCallback, type OAuthDance } from '../../../test/wechat-helpers.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

const authorise = (decision?: Parameters<typeof authoriseWith>[1], returnTo?: string) => authoriseWith(t, decision, returnTo)
const callback = (dance: OAuthDance) => followCallback(t, dance)

describe('WeChat OAuth (ACC-4)', () => {
  it('sends the browser to WeChat with the parameters in WeChat\'s fixed order, silently (snsapi_base)', async () => {
    const start = await t.app.inject({ method: 'GET', url: '/api/auth/wechat/start?returnTo=/me' })
    const location = start.headers.location as string
    expect(location.startsWith(`${t.wechat.oauthBase}/connect/oauth2/authorize?appid=${t.wechat.appId}&redirect_uri=`)).toBe(true)
    expect(location).toMatch(/&response_type=code&scope=snsapi_base&state=[A-Za-z0-9]{32}#wechat_redirect$/)
    expect(location).toContain(encodeURIComponent(`${t.baseUrl}/api/auth/wechat/callback`))
    const cookie = start.cookies.find((c) => c.name === 'jx_oauth')
    expect(cookie).toMatchObject({ httpOnly: true })
  })

  it('lands an unbound openid on sign-in, binds it after sign-in, then signs that WeChat user in at once', async () => {
    const learner = await registerLearner(t.app)
    const first = await authorise({ nickname: '新用户甲' })
    const landed = await callback(first)
    expect(landed.statusCode).toBe(302)
    expect(landed.headers.location).toBe('/login?returnTo=%2Ftraining&wechat=unbound')
    expect(landed.headers.location).not.toContain('code=')
    const pending = cookieValue(landed, 'jx_wx') as string
    expect(pending).toBeTruthy()

    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { account: learner.phone, password: PASSWORD },
      cookies: { jx_wx: pending },
    })
    expect(signIn.statusCode).toBe(200)
    expect(signIn.json()).toMatchObject({ wechatBoundNow: true, user: { wechatBound: true } })

    // Next visit from the menu: the same WeChat user is signed in without typing anything.
    const users = (await t.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: { id: string; nickname: string }[] }
    const me = users.users.find((u) => u.nickname === '新用户甲')
    const again = await callback(await authorise({ user: me?.id }))
    expect(again.statusCode).toBe(302)
    expect(again.headers.location).toBe('/training')
    const refresh = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: cookieValue(again, 'jx_rt') as string } })
    expect(refresh.statusCode).toBe(200)
    expect(refresh.json().user.id).toBe(learner.userId)
  })

  it('a bound WeChat of an account staff disabled lands on the sign-in page, signed in nowhere', async () => {
    const learner = await registerLearner(t.app)
    const landed = await callback(await authorise({ nickname: '停用乙' }))
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: learner.phone, password: PASSWORD }, cookies: { jx_wx: cookieValue(landed, 'jx_wx') as string } })
    await setDisabledByStaff(t.database.db, learner.userId, true, async () => undefined, t.clock.now)
    const users = (await t.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: { id: string; nickname: string }[] }
    const again = await callback(await authorise({ user: users.users.find((u) => u.nickname === '停用乙')?.id }))
    expect(again.statusCode).toBe(302)
    expect(again.headers.location).toBe('/login?returnTo=%2Ftraining&wechat=failed')
    expect(cookieValue(again, 'jx_rt')).toBeFalsy()
  })

  it('survives a reloaded callback whose code was already used', async () => {
    const dance = await authorise({ nickname: '刷新用户' })
    const first = await callback(dance)
    const reload = await callback(dance)
    expect(first.headers.location).toContain('wechat=unbound')
    expect(reload.statusCode).toBe(302)
    expect(reload.headers.location).toBe(first.headers.location)
  })

  it('restarts authorisation once when WeChat says the code was used elsewhere', async () => {
    const dance = await authorise({ nickname: '抢用户' })
    const code = new URL(dance.callbackUrl).searchParams.get('code') as string
    await exchangeCode(t.wechat, code) // someone else used it first
    const res = await callback(dance)
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/api/auth/wechat/start?retry=1&returnTo=%2Ftraining')
  })

  it('never binds or signs in a snapshot-page (virtual) user', async () => {
    const res = await callback(await authorise({ snapshot: true }))
    expect(res.headers.location).toBe('/wechat-snapshot?returnTo=%2Ftraining')
    expect(cookieValue(res, 'jx_wx')).toBeUndefined()
    expect(cookieValue(res, 'jx_rt')).toBeUndefined()
  })

  it('refuses a callback whose state does not match the cookie (CSRF)', async () => {
    const dance = await authorise()
    const forged = await callback({ ...dance, cookies: {} })
    expect(forged.headers.location).toBe('/login?returnTo=%2F&wechat=state')
  })

  it('sends a learner who refused authorisation to the sign-in page', async () => {
    const res = await callback(await authorise({ action: 'deny' }))
    expect(res.headers.location).toBe('/login?returnTo=%2Ftraining&wechat=denied')
  })

  it('keeps one openid to one account: another account cannot take a bound openid', async () => {
    const a = await registerLearner(t.app)
    const b = await registerLearner(t.app)
    const dance = await authorise({ nickname: '共享手机' })
    const pending = cookieValue(await callback(dance), 'jx_wx') as string
    const bindA = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: a.phone, password: PASSWORD }, cookies: { jx_wx: pending } })
    expect(bindA.json().wechatBoundNow).toBe(true)
    const bindB = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: b.phone, password: PASSWORD }, cookies: { jx_wx: pending } })
    expect(bindB.statusCode).toBe(200)
    expect(bindB.json()).toMatchObject({ wechatBoundNow: false, user: { wechatBound: false } })
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(bindA.json().accessToken) })).json().wechatBound).toBe(true)
  })

  it('unbinds (解除绑定): the openid then lands on sign-in again', async () => {
    const learner = await registerLearner(t.app)
    const dance = await authorise({ nickname: '解绑用户' })
    const pending = cookieValue(await callback(dance), 'jx_wx') as string
    const signIn = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: learner.phone, password: PASSWORD }, cookies: { jx_wx: pending } })
    const token = signIn.json().accessToken as string
    expect((await t.app.inject({ method: 'DELETE', url: '/api/me/wechat-binding', headers: bearer(token) })).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json().wechatBound).toBe(false)
    const users = (await t.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: { id: string; nickname: string }[] }
    const wxUser = users.users.find((u) => u.nickname === '解绑用户')
    expect((await callback(await authorise({ user: wxUser?.id }))).headers.location).toContain('wechat=unbound')
    expect((await t.app.inject({ method: 'DELETE', url: '/api/me/wechat-binding', headers: bearer(token) })).json().code).toBe('WECHAT_NOT_BOUND')
  })

  it('解除绑定 ends the sessions other devices opened through WeChat, and only those', async () => {
    const learner = await registerLearner(t.app)
    const landed = await callback(await authorise({ nickname: '解绑后退出' }))
    const pending = cookieValue(landed, 'jx_wx') as string
    // The phone that binds signs in with the password (and binds the WeChat on the way).
    const passwordDevice = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: learner.phone, password: PASSWORD }, cookies: { jx_wx: pending } })
    expect(passwordDevice.json().wechatBoundNow).toBe(true)
    const users = (await t.app.inject({ method: 'GET', url: '/wx-sim/dev/users' })).json() as { users: { id: string; nickname: string }[] }
    const wxUser = users.users.find((u) => u.nickname === '解绑后退出')?.id
    // Two devices then sign in through WeChat alone.
    const wechatSignIn = async () => {
      const signedIn = await callback(await authorise({ user: wxUser }))
      const refreshed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: cookieValue(signedIn, 'jx_rt') as string } })
      expect(refreshed.statusCode).toBe(200)
      return { accessToken: refreshed.json().accessToken as string, refreshCookie: cookieValue(refreshed, 'jx_rt') as string }
    }
    const asking = await wechatSignIn()
    const other = await wechatSignIn()

    // Unbound from one of the WeChat devices: that device stays, the other WeChat device ends.
    expect((await t.app.inject({ method: 'DELETE', url: '/api/me/wechat-binding', headers: bearer(asking.accessToken) })).statusCode).toBe(204)
    const refused = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(other.accessToken) })
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({ code: 'SESSION_ENDED_WECHAT_UNBOUND', message: '您的账号已解除微信绑定，请使用身份证号或手机号和密码登录' })
    const noRefresh = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: other.refreshCookie } })
    expect(noRefresh.statusCode).toBe(401)
    expect(noRefresh.json().code).toBe('SESSION_ENDED_WECHAT_UNBOUND')
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(asking.accessToken) })).statusCode).toBe(200)
    // The password session never depended on the WeChat.
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(passwordDevice.json().accessToken as string) })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: cookieValue(passwordDevice, 'jx_rt') as string } })).statusCode).toBe(200)
  })

  it('only returns to paths of the H5 (no open redirect)', async () => {
    const start = await t.app.inject({ method: 'GET', url: '/api/auth/wechat/start?returnTo=//evil.example/x' })
    const cookie = cookieValue(start, 'jx_oauth') as string
    expect(decodeURIComponent(cookie)).toContain('|/')
    expect(decodeURIComponent(cookie)).not.toContain('evil')
  })
})
