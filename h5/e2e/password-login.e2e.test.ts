import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode } from './accounts.ts'
import { MOBILE_CHROME_USER_AGENT, startJourney, type Journey } from './browser.ts'

// ACC-2, ACC-3 and WX-3: outside WeChat, password sign-in, 「用户名或密码错误」, 「忘记密码」 and
// sign-in with the phone and the new password, then 退出登录.

const baseUrl = inject('baseUrl')
const OLD_PASSWORD = 'Learn2025old'
const NEW_PASSWORD = 'Learn2025new'

let journey: Journey
let page: Page
const requested: string[] = []

beforeAll(async () => {
  journey = await startJourney({ userAgent: MOBILE_CHROME_USER_AGENT })
  page = await journey.context.newPage()
  page.on('request', (request) => requested.push(request.url()))
})

afterAll(() => journey?.close())

describe('password sign-in outside WeChat', () => {
  const learner = newIdentity('密码学员')

  it('starts from an account registered through the API, signed out', async () => {
    const sms = await page.request.post(`${baseUrl}/api/auth/sms-codes`, { data: { phone: learner.phone, purpose: 'register' } })
    expect(sms.status()).toBe(200)
    const smsCode = await readSmsCode(page.request, baseUrl, learner.phone, 'register')
    const registered = await page.request.post(`${baseUrl}/api/auth/register`, {
      data: { ...learner, smsCode, password: OLD_PASSWORD, ...CONSENTS },
    })
    expect(registered.status()).toBe(201)
    // page.request shares the browser's cookies: end that session so the browser starts signed out.
    expect((await page.request.post(`${baseUrl}/api/auth/logout`)).status()).toBe(204)
  })

  it('sends 我的 to 登录 without trying WeChat OAuth', async () => {
    await page.goto(`${baseUrl}/me`)
    await page.waitForURL(/\/login\?/)
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/me')
    await page.getByRole('button', { name: '登录' }).waitFor()
    expect(requested.filter((url) => url.includes('/api/auth/wechat/start'))).toEqual([])
  })

  it('answers a wrong password with 「用户名或密码错误」 and keeps what was typed', async () => {
    await page.locator('input[name="account"]').fill(learner.idNumber)
    await page.locator('input[name="password"]').fill('Wrong2025pw')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByText('用户名或密码错误').waitFor()
    await expect(page.locator('input[name="account"]').inputValue()).resolves.toBe(learner.idNumber)
    expect(new URL(page.url()).pathname).toBe('/login')
  })

  it('resets the password through 「忘记密码」 and comes back with the phone filled in', async () => {
    await page.getByRole('link', { name: '忘记密码' }).click()
    await page.waitForURL(/\/forgot-password/)
    await page.locator('input[name="phone"]').fill(learner.phone)
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/auth/sms-codes'))
    await page.getByRole('button', { name: '获取验证码' }).click()
    expect((await sent).status()).toBe(200)
    const code = await readSmsCode(page.request, baseUrl, learner.phone, 'reset_password')

    await page.locator('input[name="smsCode"]').fill(code)
    await page.locator('input[name="newPassword"]').fill(NEW_PASSWORD)
    await page.locator('input[name="confirm"]').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: '重置密码' }).click()

    await page.waitForURL(/\/login/)
    await page.getByText('密码已重置，请使用手机号及重置后密码进行手机号登录').waitFor()
    await expect(page.locator('input[name="account"]').inputValue()).resolves.toBe(learner.phone)
  })

  it('signs in with the phone and the new password and lands on 我的', async () => {
    await page.locator('input[name="password"]').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL(/\/me$/)
    await page.getByText(learner.realName).first().waitFor()
    const text = await page.locator('body').innerText()
    expect(text).toContain(`${learner.phone.slice(0, 3)}****${learner.phone.slice(7)}`)
    expect(text).toContain('未绑定')
  })

  it('signs out with 退出登录, and 我的 asks for sign-in again', async () => {
    await page.getByRole('button', { name: '退出登录' }).click()
    await page.waitForURL(`${baseUrl}/`)
    await page.goto(`${baseUrl}/me`)
    await page.waitForURL(/\/login\?/)
    await page.getByRole('button', { name: '登录' }).waitFor()
  })

  it('never went through WeChat OAuth, stayed on our host and raised no script errors', () => {
    expect(requested.filter((url) => url.includes('/wechat/start') || url.includes('/wx-sim/'))).toEqual([])
    expect(journey.blockedUrls).toEqual([])
    expect(journey.pageErrors).toEqual([])
  })
})
