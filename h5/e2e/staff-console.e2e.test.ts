import type { Page } from 'playwright-core'
import { prepareServerData, saveStaffUser, totpCode } from '@app/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode } from './accounts.ts'
import { launchBrowser, newWechatContext, skipWechatOauth, type WechatContext } from './browser.ts'
import { startServer, type StartedServer } from './global-setup.ts'
import { axeViolations } from './page-checks.ts'
import { signInToConsole } from './staff-sign-in.ts'

// Issue 24 (管理后台), the phone-call story: a learner calls because their password no longer
// works; 客服 signs in to the console at 1366×768 with password and authenticator code (set up by QR
// code on this first sign-in), finds the learner by phone, resets the password; the learner signs
// in on a phone with the texted one-time password and is asked to choose a new one. axe-core finds
// no serious or critical violation on the console's pages.

const STAFF = { username: 'kefu.wang', password: 'Kefu-Password-2026' }
const ADMIN = { username: 'admin.zhao', password: 'Admin-Password-2026' }
const NEW_MEMBER = 'caiwu.li'
const learner = newIdentity('来电学员')
const DESKTOP_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

let server: StartedServer
let browser: Awaited<ReturnType<typeof launchBrowser>>
let desk: WechatContext
let phone: WechatContext
let console_: Page
const a11y: string[] = []

async function checkA11y(page: Page, name: string): Promise<void> {
  // Dialogs fade in: check what staff see once it has settled.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  for (const problem of await axeViolations(page)) a11y.push(`${name}: ${problem}`)
  // Desktop sizes: nothing wider than the window (no sideways scrolling at 1366 or 1920 px).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  if (overflow > 0) a11y.push(`${name}: the page is ${overflow} px wider than the window`)
}

beforeAll(async () => {
  // The console's staff account exists before the server starts (as `create-staff` makes it).
  server = await startServer({}, (storage) =>
    prepareServerData(storage, { seed: false }, async (t) => {
      await saveStaffUser(t.database.db, { username: STAFF.username, password: STAFF.password, role: 'operator', resetExisting: false })
      await saveStaffUser(t.database.db, { username: ADMIN.username, password: ADMIN.password, role: 'admin', resetExisting: false })
    }),
  )
  browser = await launchBrowser()
  desk = await newWechatContext(browser, { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, userAgent: DESKTOP_CHROME })
  phone = await newWechatContext(browser)
  await skipWechatOauth(phone.context)
  console_ = await desk.context.newPage()
}, 300_000)

afterAll(async () => {
  try {
    await desk?.context.close()
    await phone?.context.close()
  } finally {
    await browser?.close()
    await server?.stop()
  }
})

describe('a learner calls: 客服 resets the password from the console', () => {
  it('the learner has an account (registered earlier)', async () => {
    const request = phone.context.request
    expect((await request.post(`${server.baseUrl}/api/auth/sms-codes`, { data: { phone: learner.phone, purpose: 'register' } })).status()).toBe(200)
    const smsCode = await readSmsCode(request, server.baseUrl, learner.phone, 'register')
    const registered = await request.post(`${server.baseUrl}/api/auth/register`, { data: { ...learner, smsCode, password: 'Forgotten2025', ...CONSENTS } })
    expect(registered.status()).toBe(201)
  })

  it('客服 signs in with password and authenticator code, set up by QR code at this first sign-in', async () => {
    await console_.goto(`${server.baseUrl}/staff/`)
    await console_.waitForURL(/\/staff\/sign-in/)
    await console_.getByRole('heading', { name: '继续教育平台 · 管理后台' }).waitFor()
    await checkA11y(console_, 'sign-in')
    await console_.getByLabel('用户名').fill(STAFF.username)
    await console_.getByLabel('密码').fill(STAFF.password)
    await console_.getByRole('button', { name: '下一步' }).click()
    await console_.getByRole('img', { name: '身份验证器二维码' }).waitFor()
    await checkA11y(console_, 'sign-in: authenticator set-up')
    // The authenticator app: the same secret as the QR code, typed in by hand.
    const secret = (await console_.locator('[data-test="totp-secret"]').textContent())?.trim() ?? ''
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    await console_.getByLabel('动态码').fill(totpCode(secret, new Date()))
    await console_.getByRole('button', { name: '登录' }).click()
    await console_.waitForURL(/\/staff\/learners$/)
    await console_.getByRole('heading', { name: '学员' }).waitFor()
    await checkA11y(console_, 'learners')
  })

  it('finds the learner by phone: the list shows the numbers masked', async () => {
    await console_.getByRole('textbox', { name: '手机号' }).fill(learner.phone)
    await console_.getByRole('button', { name: '查询' }).click()
    await console_.getByText('查询结果（共 1 人）').waitFor()
    const masked = `${learner.phone.slice(0, 3)}****${learner.phone.slice(7)}`
    await console_.getByRole('cell', { name: masked }).waitFor()
    const table = (await console_.locator('.el-table').first().textContent()) ?? ''
    expect(table).toContain(learner.realName)
    expect(table).not.toContain(learner.phone)
    expect(table).not.toContain(learner.idNumber)
    await checkA11y(console_, 'learners: results')
    await console_.getByRole('link', { name: `查看学员 ${learner.realName}` }).click()
    await console_.waitForURL(/\/staff\/learners\/\d+$/)
    await console_.getByRole('heading', { name: `学员：${learner.realName}` }).waitFor()
    expect(await console_.locator('main').textContent()).not.toContain(learner.idNumber)
    await checkA11y(console_, 'learner detail')
  })

  it('resets the password after a confirmation with a reason; the one-time password is texted', async () => {
    await console_.getByRole('button', { name: '重置密码' }).click()
    const dialog = console_.getByRole('dialog', { name: '重置密码' })
    await dialog.waitFor()
    await checkA11y(console_, 'learner detail: reset dialog')
    await dialog.getByLabel('原因（记入审计日志）').fill('学员来电：密码忘记，短信重置失败')
    await dialog.getByRole('button', { name: '确认重置密码' }).click()
    await console_.getByText(/已将一次性密码短信发送到 \d{3}\*\*\*\*\d{4}/).waitFor()
  })

  it('the learner signs in on the phone with the texted password and is asked to choose a new one', async () => {
    const outbox = await phone.context.request.get(`${server.baseUrl}/api/dev/sms-outbox?phone=${learner.phone}`)
    const { messages } = (await outbox.json()) as { messages: { purpose: string; code: string }[] }
    const texted = messages.find((m) => m.purpose === 'initial_password')?.code
    expect(texted).toBeTruthy()
    const page = await phone.context.newPage()
    await page.goto(`${server.baseUrl}/login`)
    await page.locator('input[name="account"]').fill(learner.phone)
    await page.locator('input[name="password"]').fill(texted as string)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL(/\/change-password/)
    await page.getByText('初始密码').first().waitFor()
    await page.close()
  })

  it('客服 sees no 工作人员 menu entry (admins only)', async () => {
    await console_.getByRole('navigation', { name: '主菜单' }).getByText('学员').waitFor()
    expect(await console_.getByRole('navigation', { name: '主菜单' }).getByText('工作人员').count()).toBe(0)
  })
})

describe('an admin adds a staff member at 1920×1080; the member replaces the one-time password', () => {
  let admin: WechatContext
  let page: Page
  let oneTimePassword = ''

  it('the admin creates a 财务 account; its one-time password is shown once', async () => {
    admin = await newWechatContext(browser, { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, userAgent: DESKTOP_CHROME })
    page = await admin.context.newPage()
    await signInToConsole(page, server.baseUrl, ADMIN)
    await checkA11y(page, 'learners at 1920')
    await page.getByRole('navigation', { name: '主菜单' }).getByText('工作人员').click()
    await page.waitForURL(/\/staff\/staff-accounts$/)
    await page.getByRole('cell', { name: STAFF.username }).waitFor()
    await checkA11y(page, 'staff accounts')
    await page.getByRole('button', { name: '新建账号' }).click()
    const dialog = page.getByRole('dialog', { name: '新建工作人员账号' })
    await dialog.waitFor()
    await dialog.getByLabel(/用户名/).fill(NEW_MEMBER)
    // Element Plus's select opens from its visible wrapper (the combobox input inside is zero-width).
    await dialog.locator('.el-select__wrapper').click()
    await page.getByRole('option', { name: '财务' }).click()
    await checkA11y(page, 'staff accounts: new account dialog')
    await dialog.getByRole('button', { name: '创建' }).click()
    const shown = page.getByRole('dialog', { name: '一次性密码' })
    await shown.waitFor()
    oneTimePassword = ((await shown.locator('[data-test="one-time-password"]').textContent()) ?? '').trim()
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9_-]{20}$/)
    await checkA11y(page, 'staff accounts: one-time password')
    await shown.getByRole('button', { name: '我已记下' }).click()
    await page.getByRole('cell', { name: NEW_MEMBER }).waitFor()
  })

  it('the new member signs in (QR code, code) and must set a password before anything else', async () => {
    const member = await newWechatContext(browser, { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, userAgent: DESKTOP_CHROME })
    try {
      const memberPage = await member.context.newPage()
      await signInToConsole(memberPage, server.baseUrl, { username: NEW_MEMBER, password: oneTimePassword }, /\/staff\/password$/)
      await memberPage.getByText('这是管理员为您设置的一次性密码').waitFor()
      await checkA11y(memberPage, 'change password')
      await memberPage.getByLabel('当前密码').fill(oneTimePassword)
      await memberPage.getByLabel('新密码（至少 12 位）').fill('Caiwu-Own-Password-1')
      await memberPage.getByLabel('再次输入新密码').fill('Caiwu-Own-Password-1')
      await memberPage.getByRole('button', { name: '保存新密码' }).click()
      await memberPage.waitForURL(/\/staff\/learners$/)
      expect(member.pageErrors).toEqual([])
    } finally {
      await member.context.close()
    }
    await admin.context.close()
    expect(admin.pageErrors).toEqual([])
  })

  it('the console pages have no serious or critical axe-core violation, no sideways scrolling, and no script error', () => {
    expect(a11y).toEqual([])
    expect(desk.pageErrors).toEqual([])
    expect(desk.blockedUrls).toEqual([])
  })
})
