import { expect } from 'vitest'
import type { TestApp } from './app.ts'
import { PASSWORD, cookieValue, registerLearner, type Registered } from './auth-helpers.ts'

export interface OAuthDance {
  callbackUrl: string
  cookies: Record<string, string>
}

/** Our /start, then a decision on the simulated WeChat authorisation page; returns the callback URL. */
export async function authorise(
  t: TestApp,
  decision: { action?: 'allow' | 'deny'; user?: string; nickname?: string; snapshot?: boolean } = {},
  returnTo = '/training',
): Promise<OAuthDance> {
  const start = await t.app.inject({ method: 'GET', url: `/api/auth/wechat/start?returnTo=${encodeURIComponent(returnTo)}` })
  expect(start.statusCode).toBe(302)
  const cookies = { jx_oauth: cookieValue(start, 'jx_oauth') as string }
  const url = new URL((start.headers.location as string).replace('#wechat_redirect', ''))
  const form = new URLSearchParams({
    ...Object.fromEntries(url.searchParams),
    action: decision.action ?? 'allow',
    user: decision.user ?? 'new',
    // As the page sends it: a chosen existing user comes with an empty nickname field.
    nickname: decision.user ? (decision.nickname ?? '') : (decision.nickname ?? '微信测试用户'),
    ...(decision.snapshot ? { snapshot: '1' } : {}),
  })
  const decided = await t.app.inject({
    method: 'POST',
    url: `${url.pathname.replace(/^.*\/wx-sim/, '/wx-sim')}/decide`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  })
  expect(decided.statusCode).toBe(302)
  return { callbackUrl: decided.headers.location as string, cookies }
}

export async function followCallback(t: TestApp, dance: OAuthDance) {
  const u = new URL(dance.callbackUrl)
  return t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}`, cookies: dance.cookies })
}

/** Binds a new simulated WeChat user to the learner (OAuth, then sign-in); returns a fresh access token. */
export async function bindNewWechatUser(t: TestApp, learner: Registered, nickname = '支付用户'): Promise<string> {
  const landed = await followCallback(t, await authorise(t, { nickname }))
  const pending = cookieValue(landed, 'jx_wx') as string
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { account: learner.phone, password: PASSWORD },
    cookies: { jx_wx: pending },
  })
  expect(res.json().wechatBoundNow).toBe(true)
  return res.json().accessToken as string
}

export interface Buyer extends Registered {
  token: string
}

/** A new learner bound to a new simulated WeChat user, with the access token that carries the openid (JSAPI payment needs it). */
export async function newBuyer(t: TestApp): Promise<Buyer> {
  const learner = await registerLearner(t.app)
  return { ...learner, token: await bindNewWechatUser(t, learner) }
}

/** Polls until the condition holds (notifications arrive asynchronously). */
export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await probe()
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 50))
    value = await probe()
  }
  return value
}
