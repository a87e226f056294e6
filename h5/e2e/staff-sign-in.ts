import type { Page } from 'playwright-core'
import { totpCode } from '@app/server/testing'

/**
 * Signs a staff member in to the console as they do it: 用户名 and 密码, 下一步, then the
 * authenticator's 动态码. On a first sign-in the console shows the QR code with the secret beside
 * it, which gives the code here. Waits until the console has sent them on to `landsOn` (学员 for an
 * account in use; 修改密码 after a one-time password).
 */
export async function signInToConsole(page: Page, origin: string, account: { username: string; password: string }, landsOn = /\/staff\/learners$/): Promise<void> {
  await page.goto(`${origin}/staff/`)
  await page.waitForURL(/\/staff\/sign-in/)
  await page.getByLabel('用户名').fill(account.username)
  await page.getByLabel('密码').fill(account.password)
  await page.getByRole('button', { name: '下一步' }).click()
  await page.getByRole('img', { name: '身份验证器二维码' }).waitFor()
  const secret = (await page.locator('[data-test="totp-secret"]').textContent())?.trim() ?? ''
  await page.getByLabel('动态码').fill(totpCode(secret, new Date()))
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL(landsOn)
}
