import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode } from './accounts.ts'
import { launchBrowser, newWechatContext, skipWechatOauth, type WechatContext } from './browser.ts'

// 修改密码 (ACC-5; docs/security.md, "What ends the other sessions of an account") is reached from
// 我的; changing the password on device A says 「其他设备已退出登录」; device B, still on 我的, drops to
// 登录 on its next step with the reason, and device C, reopened later, lands there with it too.
// Both devices are phones in WeChat's browser whose OAuth has already run (password sign-in).

const baseUrl = inject('baseUrl')
const OLD_PASSWORD = 'Liangjiang2025'
const NEW_PASSWORD = 'Liangjiang2026'
const learner = newIdentity('改密学员')

let browser: Awaited<ReturnType<typeof launchBrowser>>
let deviceA: WechatContext
let deviceB: WechatContext
let deviceC: WechatContext
let pageA: Page
let pageB: Page
let pageC: Page

async function device(): Promise<WechatContext> {
  const wechat = await newWechatContext(browser)
  await skipWechatOauth(wechat.context)
  return wechat
}

async function signInThroughTheForm(page: Page, password: string): Promise<void> {
  await page.locator('input[name="account"]').fill(learner.phone)
  await page.locator('input[name="password"]').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

beforeAll(async () => {
  browser = await launchBrowser()
  deviceA = await device()
  deviceB = await device()
  deviceC = await device()
  pageA = await deviceA.context.newPage()
  pageB = await deviceB.context.newPage()
  pageC = await deviceC.context.newPage()
})

afterAll(async () => {
  const contexts: BrowserContext[] = [deviceA?.context, deviceB?.context, deviceC?.context].filter((c): c is BrowserContext => !!c)
  try {
    for (const context of contexts) await context.close()
  } finally {
    await browser?.close()
  }
})

describe('修改密码 from 我的 signs the other devices out', () => {
  it('device A: registered (through the API) and signed in, on 我的', async () => {
    const sms = await pageA.request.post(`${baseUrl}/api/auth/sms-codes`, { data: { phone: learner.phone, purpose: 'register' } })
    expect(sms.status()).toBe(200)
    const smsCode = await readSmsCode(pageA.request, baseUrl, learner.phone, 'register')
    // page.request shares device A's cookies: the refresh cookie signs the H5 in on the next load.
    const registered = await pageA.request.post(`${baseUrl}/api/auth/register`, { data: { ...learner, smsCode, password: OLD_PASSWORD, ...CONSENTS } })
    expect(registered.status()).toBe(201)
    await pageA.goto(`${baseUrl}/me`)
    await pageA.getByText(learner.realName).first().waitFor()
  })

  it('device B: signs in with the password and sits on 我的', async () => {
    await pageB.goto(`${baseUrl}/me`)
    await pageB.waitForURL(/\/login\?/)
    await signInThroughTheForm(pageB, OLD_PASSWORD)
    await pageB.waitForURL(/\/me$/)
    await pageB.getByText(learner.realName).first().waitFor()
  })

  it('device C: signed in too (through the API), on 我的', async () => {
    const signedIn = await pageC.request.post(`${baseUrl}/api/auth/login`, { data: { account: learner.idNumber, password: OLD_PASSWORD } })
    expect(signedIn.status()).toBe(200)
    await pageC.goto(`${baseUrl}/me`)
    await pageC.getByText(learner.realName).first().waitFor()
  })

  it('device A: 我的 → 修改密码 → 「其他设备已退出登录」, and back on 我的, still signed in', async () => {
    await pageA.locator('.van-cell', { hasText: '修改密码' }).click()
    await pageA.waitForURL(/\/change-password/)
    await pageA.getByText('已在其他设备（手机、电脑）上的登录将全部退出').waitFor()
    await pageA.locator('input[name="currentPassword"]').fill(OLD_PASSWORD)
    await pageA.locator('input[name="newPassword"]').fill(NEW_PASSWORD)
    await pageA.locator('input[name="confirm"]').fill(NEW_PASSWORD)
    const changed = pageA.waitForResponse((r) => r.url().endsWith('/api/me/password'))
    await pageA.getByRole('button', { name: '确认修改' }).click()
    expect((await changed).status()).toBe(204)
    const dialog = pageA.getByRole('dialog')
    await dialog.getByText('其他设备已退出登录').waitFor()
    await dialog.getByRole('button', { name: '知道了' }).click()
    await pageA.waitForURL(/\/me$/)
    // A reload restores device A's session from its refresh cookie: it was kept.
    await pageA.reload()
    await pageA.getByText(learner.realName).first().waitFor()
    expect(new URL(pageA.url()).pathname).toBe('/me')
  })

  it('device B: its next step lands on 登录, which says why', async () => {
    // B still shows 我的 from before; opening 我的订单 asks the API with B's old access token.
    await pageB.locator('.van-cell', { hasText: '我的订单' }).click()
    await pageB.waitForURL(/\/login\?/)
    await pageB.getByRole('alert').filter({ hasText: '您的账号已在其他设备修改密码，请重新登录' }).waitFor()
    expect(new URL(pageB.url()).searchParams.get('redirect')).toBe('/orders')
  })

  it('device C: reopened later, it lands on 登录 with the same reason', async () => {
    await pageC.reload()
    await pageC.waitForURL(/\/login\?/)
    await pageC.getByRole('alert').filter({ hasText: '您的账号已在其他设备修改密码，请重新登录' }).waitFor()
  })

  it('device B: the old password no longer works; the new one signs in and the notice is gone', async () => {
    await signInThroughTheForm(pageB, OLD_PASSWORD)
    await pageB.getByText('用户名或密码错误').waitFor()
    await signInThroughTheForm(pageB, NEW_PASSWORD)
    // Back where the session was lost (the pathname: 登录's own URL carries redirect=/orders).
    await pageB.waitForURL((url) => url.pathname === '/orders')
    await pageB.goto(`${baseUrl}/me`)
    await pageB.getByText(learner.realName).first().waitFor()
    expect(await pageB.getByText('您的账号已在其他设备修改密码').count()).toBe(0)
  })

  it('left no script errors and loaded nothing from other hosts', () => {
    const devices = [deviceA, deviceB, deviceC]
    expect(devices.flatMap((d) => d.pageErrors)).toEqual([])
    expect(devices.flatMap((d) => d.blockedUrls)).toEqual([])
  })
})
