import { maskIdNumber } from '@app/shared/id-number'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode } from './accounts.ts'
import { skipWechatOauth, startJourney, type Journey } from './browser.ts'
import { axeViolations } from './page-checks.ts'

// Issue 27.4, learners' rights: 我的 → 我的个人信息 (masked until the learner asks) → 下载 (a signed
// link the phone follows without the token, a real .xlsx) → 注销账号 (what is removed and kept, the
// password again) → signed out, and neither the ID number nor the phone signs in any more.
// A phone in WeChat's browser whose OAuth has already run (password sign-in).

const baseUrl = inject('baseUrl')
const PASSWORD = 'Shapingba2025'
const learner = newIdentity('权利学员')

let journey: Journey
let page: Page

beforeAll(async () => {
  journey = await startJourney({ acceptDownloads: true })
  await skipWechatOauth(journey.context)
  page = await journey.context.newPage()
})

afterAll(async () => {
  await journey?.close()
})

describe('我的个人信息: see, download, close the account', () => {
  it('registered (through the API) and on 我的, the entry opens 我的个人信息 with ID number and phone masked', async () => {
    expect((await page.request.post(`${baseUrl}/api/auth/sms-codes`, { data: { phone: learner.phone, purpose: 'register' } })).status()).toBe(200)
    const smsCode = await readSmsCode(page.request, baseUrl, learner.phone, 'register')
    expect((await page.request.post(`${baseUrl}/api/auth/register`, { data: { ...learner, smsCode, password: PASSWORD, ...CONSENTS } })).status()).toBe(201)
    await page.goto(`${baseUrl}/me`)
    await page.locator('.van-cell', { hasText: '我的个人信息' }).click()
    await page.waitForURL(/\/me\/data$/)
    await page.getByText(maskIdNumber(learner.idNumber)).waitFor()
    expect(await page.getByText(learner.idNumber, { exact: true }).count()).toBe(0)
    await page.getByText('隐私政策同意记录').waitFor()
    expect(await axeViolations(page)).toEqual([])
  })

  it('「显示完整号码」 shows the learner their own ID number and phone', async () => {
    await page.getByRole('button', { name: '显示完整号码' }).click()
    await page.getByText(learner.idNumber, { exact: true }).waitFor()
    await page.getByText(learner.phone, { exact: true }).waitFor()
    await page.getByRole('button', { name: '隐藏完整号码' }).click()
    await page.getByText(maskIdNumber(learner.idNumber)).waitFor()
  })

  it('「下载我的个人信息」 downloads the workbook through the signed link', async () => {
    const downloaded = page.waitForEvent('download')
    await page.getByRole('button', { name: '下载我的个人信息' }).click()
    const download = await downloaded
    expect(download.suggestedFilename()).toBe('我的个人信息.xlsx')
    expect(download.url()).toMatch(/\/api\/privacy\/files\/\d+\/my-data\.xlsx\?expires=\d+&sig=/)
    const path = await download.path()
    const { readFile } = await import('node:fs/promises')
    const bytes = await readFile(path)
    // An .xlsx is a zip archive: "PK".
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK')
    expect(bytes.length).toBeGreaterThan(2000)
  })

  it('「注销账号」 says what is removed and kept, takes the password, and signs out', async () => {
    await page.getByRole('button', { name: '注销账号' }).click()
    const dialog = page.locator('.close-account')
    await dialog.getByText('注销后将立即删除：').waitFor()
    await dialog.getByText('依法继续保存：').waitFor()
    await dialog.getByText(/已出具的学时证书/).waitFor()
    expect(await axeViolations(page)).toEqual([])
    // A wrong password is refused in place.
    await dialog.locator('input[type="password"]').fill('NotMyPassword1')
    await dialog.getByRole('button', { name: '确认注销' }).click()
    await dialog.getByText('当前密码（或短信中的初始密码）不正确').waitFor()
    await dialog.locator('input[type="password"]').fill(PASSWORD)
    const closed = page.waitForResponse((r) => r.url().endsWith('/api/privacy/closure') && r.request().method() === 'POST')
    await dialog.getByRole('button', { name: '确认注销' }).click()
    expect((await closed).status()).toBe(200)
    await page.getByText('账号已注销').waitFor()
    await page.waitForURL((url) => url.pathname === '/')
  })

  it('cannot sign in again with the ID number or the phone', async () => {
    await page.goto(`${baseUrl}/me`)
    await page.waitForURL(/\/login\?/)
    for (const account of [learner.idNumber, learner.phone]) {
      await page.locator('input[name="account"]').fill(account)
      await page.locator('input[name="password"]').fill(PASSWORD)
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'))
      await page.getByRole('button', { name: '登录' }).click()
      expect((await answer).status()).toBe(401)
      await page.getByText('用户名或密码错误').waitFor()
    }
    expect(journey.pageErrors).toEqual([])
    expect(journey.blockedUrls).toEqual([])
  })
})
