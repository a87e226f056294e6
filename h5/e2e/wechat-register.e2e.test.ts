import { maskIdNumber } from '@app/shared/id-number'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { newIdentity, readSmsCode } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'

// ACC-4 from the Official Account menu: WeChat OAuth with an unknown openid, registration that binds
// it, and the next visit signed in without a password.

// The server's PUBLIC_BASE_URL is http://localhost:<port>: WeChat (the simulator) calls back there,
// so the journey starts on that origin for the OAuth state cookie to come back with it.
const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const MENU_LINK = `${origin}/api/auth/wechat/start?returnTo=/`
const PASSWORD = 'Study2025ok'

let journey: Journey

/** The simulated 微信授权 page: tap 允许, optionally as a new test WeChat user. */
async function allowOnAuthorizePage(page: Page, newNickname?: string): Promise<void> {
  await page.waitForURL(/\/wx-sim\/open\/connect\/oauth2\/authorize/)
  await page.locator('#allow').waitFor()
  if (newNickname) {
    await page.locator('input[name="user"][value="new"]').check()
    await page.locator('input[name="nickname"]').fill(newNickname)
  }
  await page.locator('#allow').click()
}

beforeAll(async () => {
  journey = await startJourney()
})

afterAll(() => journey?.close())

describe('WeChat menu → OAuth → 注册 → bound', () => {
  const learner = newIdentity('微信学员', { endsWithX: true })

  it('registers from the unbound WeChat sign-in and binds the WeChat account', async () => {
    const page = await journey.context.newPage()
    await page.goto(MENU_LINK)
    await allowOnAuthorizePage(page, `e2e${Date.now() % 100000}`)

    // Back in the H5 on the sign-in page, told what will happen, and not bounced into OAuth again.
    await page.waitForURL(/\/login\?/)
    expect(new URL(page.url()).searchParams.get('wechat')).toBe('unbound')
    await page.getByText('登录或注册后将自动绑定当前微信，下次进入无需输入密码').waitFor()

    await page.getByRole('link', { name: '注册', exact: true }).click()
    await page.waitForURL(/\/register/)
    await page.getByText('注册信息将作为合格证书的重要数据，请谨慎填写，确保信息的真实准确。').waitFor()

    await page.locator('input[name="realName"]').fill(learner.realName)
    // Typed with a lower-case x: the field shows the canonical upper-case X after leaving it.
    const idInput = page.locator('input[name="idNumber"]')
    await idInput.fill(learner.idNumber.toLowerCase())
    await page.locator('input[name="phone"]').fill(learner.phone)
    await expect(idInput.inputValue()).resolves.toBe(learner.idNumber)

    const sent = page.waitForResponse((r) => r.url().endsWith('/api/auth/sms-codes'))
    await page.getByRole('button', { name: '获取验证码' }).click()
    expect((await sent).status()).toBe(200)
    await page.getByText(/\d+秒后重新获取/).waitFor()
    const code = await readSmsCode(page.request, origin, learner.phone, 'register')

    await page.locator('input[name="smsCode"]').fill(code)
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.locator('input[name="confirm"]').fill(PASSWORD)
    // 注册's two boxes: the 隐私政策, and the separate consent for the ID number.
    await page.getByRole('checkbox', { name: /隐私政策/ }).locator('.van-checkbox__icon').click()
    await page.getByRole('checkbox', { name: /身份证号/ }).locator('.van-checkbox__icon').click()
    await page.getByRole('button', { name: '注册', exact: true }).click()

    await page.getByText('已绑定微信').first().waitFor()
    await page.waitForURL(`${origin}/`)

    await page.locator('.van-tabbar').getByText('我的', { exact: true }).click()
    await page.waitForURL(/\/me$/)
    await page.getByText('微信已绑定').waitFor()
    const text = await page.locator('body').innerText()
    expect(text).toContain(learner.realName)
    expect(text).toContain(maskIdNumber(learner.idNumber))
    expect(text).not.toContain(learner.idNumber)
    await page.close()
  })

  it('signs in straight away through the menu link the next time, without typing anything', async () => {
    const page = await journey.context.newPage()
    await page.goto(MENU_LINK)
    // The simulator shows its chooser even for snsapi_base, with the newest test user preselected.
    await allowOnAuthorizePage(page)
    await page.waitForURL(`${origin}/`)

    await page.locator('.van-tabbar').getByText('我的', { exact: true }).click()
    await page.waitForURL(/\/me$/)
    await page.getByText(learner.realName).first().waitFor()
    await page.getByText('微信已绑定').waitFor()
    await page.close()
  })

  it('kept every request on our own host and raised no script errors', () => {
    expect(journey.blockedUrls).toEqual([])
    expect(journey.pageErrors).toEqual([])
  })
})
