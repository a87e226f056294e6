import type { DevSmsOutbox, Session } from '@app/shared/auth'
import { idNumberCheckChar } from '@app/shared/id-number'
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core'

/** 注册's two boxes, ticked as a learner does: the 隐私政策 and the separate consent for the ID number. */
export const CONSENTS = { agreePolicy: true, consentSensitiveId: true } as const

export interface TestIdentity {
  realName: string
  /** Canonical form (upper-case X). */
  idNumber: string
  phone: string
}

const random = (digits: number) => String(Math.floor(Math.random() * 10 ** digits)).padStart(digits, '0')

/**
 * A fresh learner for one journey: a Chongqing ID number with a valid check character (one ending
 * in X when asked, to exercise the lower-case x fix) and an unused-looking mobile number.
 */
export function newIdentity(realName: string, { endsWithX = false } = {}): TestIdentity {
  for (;;) {
    const first17 = `500101${1980 + Math.floor(Math.random() * 20)}0${1 + Math.floor(Math.random() * 9)}1${random(1)}${random(3)}`
    const check = idNumberCheckChar(first17)
    if (endsWithX !== (check === 'X')) continue
    return { realName, idNumber: `${first17}${check}`, phone: `139${random(8)}` }
  }
}

/** The newest code the development outbox holds for this phone and purpose. */
export async function readSmsCode(
  request: APIRequestContext,
  origin: string,
  phone: string,
  purpose: 'register' | 'reset_password',
): Promise<string> {
  const response = await request.get(`${origin}/api/dev/sms-outbox?phone=${phone}`)
  if (response.status() !== 200) throw new Error(`sms outbox answered ${response.status()}`)
  const { messages } = (await response.json()) as DevSmsOutbox
  const message = messages.find((m) => m.purpose === purpose)
  if (!message) throw new Error(`no ${purpose} code for ${phone}`)
  return message.code
}

/**
 * The Official Account's menu link → the simulator's 微信授权 page → 允许 as a new WeChat user:
 * ends on 登录 with the WeChat identity pending (unbound), ready for 注册 to bind it.
 */
export async function authorizeAsNewWechatUser(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/api/auth/wechat/start?returnTo=/`)
  await page.waitForURL(/\/wx-sim\/open\/connect\/oauth2\/authorize/)
  await page.locator('input[name="user"][value="new"]').check()
  await page.locator('input[name="nickname"]').fill(`wx${Date.now() % 100000}`)
  await page.locator('#allow').click()
  await page.waitForURL(/\/login\?.*wechat=unbound/)
}

/**
 * A learner bound to a new simulated WeChat user, signed in in this browser: the OAuth pages (the
 * simulator's 微信授权 page, 允许 as a new user) leave a pending WeChat identity in the browser, and
 * registering through the API in the same browser binds it. Answers the session (its access token
 * serves the journey's API calls).
 */
export async function registerWechatBoundLearner(page: Page, origin: string, realName: string, password: string): Promise<Session> {
  await authorizeAsNewWechatUser(page, origin)

  const learner = newIdentity(realName)
  const sms = await page.request.post(`${origin}/api/auth/sms-codes`, { data: { phone: learner.phone, purpose: 'register' } })
  if (sms.status() !== 200) throw new Error(`sms-codes answered ${sms.status()}`)
  const smsCode = await readSmsCode(page.request, origin, learner.phone, 'register')
  const registered = await page.request.post(`${origin}/api/auth/register`, {
    data: { realName: learner.realName, idNumber: learner.idNumber, phone: learner.phone, smsCode, password, ...CONSENTS },
  })
  if (registered.status() !== 201) throw new Error(`register answered ${registered.status()}`)
  const session = (await registered.json()) as Session
  if (!session.user.wechatBound) throw new Error('the WeChat identity was not bound')
  return session
}

/** registerWechatBoundLearner on a page of its own, closed afterwards: the context keeps the session. */
export async function signInNewWechatLearner(context: BrowserContext, origin: string, realName: string, password: string): Promise<Session> {
  const page = await context.newPage()
  try {
    return await registerWechatBoundLearner(page, origin, realName, password)
  } finally {
    await page.close()
  }
}
