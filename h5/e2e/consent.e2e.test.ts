import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Page } from 'playwright-core'
import { newIdentity, readSmsCode } from './accounts.ts'
import { MOBILE_CHROME_USER_AGENT, startJourney, type Journey } from './browser.ts'

// 注册 asks two consents (ACC-7): the 隐私政策, and separately the ID number as sensitive
// personal information. Without the second the form says so and creates nothing; with both it
// registers. The policy opens from 注册. (A phone browser: inside WeChat a signed-out visit goes through OAuth first.)

const baseUrl = inject('baseUrl')
const PASSWORD = 'Consent2025ok'
const CONSENT_MESSAGE = '请阅读并勾选同意《隐私政策》，并单独同意处理您的身份证号（敏感个人信息）'

let journey: Journey
let page: Page

beforeAll(async () => {
  journey = await startJourney({ userAgent: MOBILE_CHROME_USER_AGENT })
  page = await journey.context.newPage()
})

afterAll(() => journey?.close())

const box = (name: RegExp) => page.getByRole('checkbox', { name }).locator('.van-checkbox__icon')

describe('注册 asks for the 隐私政策 and the separate ID-number consent', () => {
  const learner = newIdentity('同意学员')

  it('opens the 隐私政策 from 注册', async () => {
    await page.goto(`${baseUrl}/register`)
    await page.getByRole('link', { name: '《隐私政策》' }).click()
    await page.waitForURL(/\/privacy$/)
    await page.getByRole('heading', { name: '三、我们向谁提供您的信息' }).waitFor()
    const text = await page.locator('body').innerText()
    for (const words of ['身份证号（敏感个人信息）', '财付通', '短信服务商', '诺诺电子发票', '培训中心', '保存 30 年', '查阅、复制', '删除、注销']) expect(text).toContain(words)
    await page.goBack()
    await page.waitForURL(/\/register$/)
  })

  it('refuses to register without the ID-number consent, saying why', async () => {
    await page.locator('input[name="realName"]').fill(learner.realName)
    await page.locator('input[name="idNumber"]').fill(learner.idNumber)
    await page.locator('input[name="phone"]').fill(learner.phone)
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/auth/sms-codes'))
    await page.getByRole('button', { name: '获取验证码' }).click()
    expect((await sent).status()).toBe(200)
    await page.locator('input[name="smsCode"]').fill(await readSmsCode(page.request, baseUrl, learner.phone, 'register'))
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.locator('input[name="confirm"]').fill(PASSWORD)
    await box(/隐私政策/).click()
    await page.getByRole('button', { name: '注册', exact: true }).click()
    await page.getByRole('alert').filter({ hasText: CONSENT_MESSAGE }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/register')
  })

  it('registers once both boxes are ticked', async () => {
    await box(/身份证号/).click()
    const registered = page.waitForResponse((r) => r.url().endsWith('/api/auth/register'))
    await page.getByRole('button', { name: '注册', exact: true }).click()
    expect((await registered).status()).toBe(201)
    await page.waitForURL(`${baseUrl}/`)
    await page.goto(`${baseUrl}/me`)
    await page.getByText(learner.realName).first().waitFor()
  })

  it('kept every request on our own host and raised no script errors', () => {
    expect(journey.blockedUrls).toEqual([])
    expect(journey.pageErrors).toEqual([])
  })
})
