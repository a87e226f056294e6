import { readFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import type { Download, Page } from 'playwright-core'
import { prepareServerData, saveStaffUser } from '@app/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode } from './accounts.ts'
import { launchBrowser, newWechatContext, skipWechatOauth, type WechatContext } from './browser.ts'
import { startServer, type StartedServer } from './global-setup.ts'
import { axeViolations } from './page-checks.ts'
import { signInToConsole } from './staff-sign-in.ts'

// Issue 24 (管理后台), the bulk registration story: 客服 signs in to the console at 1366×768
// (password and authenticator), downloads the 附件2 template, uploads a unit's sheet of three rows
// (a new learner, one already registered, an invalid ID number), sees the three outcomes and
// downloads the result sheet (masked); the new learner signs in on a phone in WeChat with the
// texted password. Then an admin opens 发票, 课程与项目 and 系统检查 at 1366×768 and 1920×1080:
// axe-core finds no serious or critical violation, nothing scrolls sideways, no script error.

const OPERATOR = { username: 'kefu.bulk', password: 'Kefu-Bulk-Password-2026' }
const ADMIN = { username: 'admin.ops', password: 'Admin-Ops-Password-2026' }
const DESKTOP_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const desktop = (width: number, height: number) => ({ viewport: { width, height }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, userAgent: DESKTOP_CHROME, acceptDownloads: true })

const newcomer = newIdentity('批量新学员')
const registered = newIdentity('已注册学员')
const invalid = { ...newIdentity('身份证错误'), idNumber: '500101199001011234' }

let server: StartedServer
let browser: Awaited<ReturnType<typeof launchBrowser>>
let desk: WechatContext
let phone: WechatContext
let page: Page
const a11y: string[] = []

async function checkPage(target: Page, name: string): Promise<void> {
  await target.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  for (const problem of await axeViolations(target)) a11y.push(`${name}: ${problem}`)
  const overflow = await target.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  if (overflow > 0) a11y.push(`${name}: the page is ${overflow} px wider than the window`)
}

async function sheetRows(download: Download): Promise<string[][]> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer)
  const rows: string[][] = []
  book.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}

beforeAll(async () => {
  server = await startServer({}, (storage) =>
    prepareServerData(storage, { seed: false }, async (t) => {
      await saveStaffUser(t.database.db, { username: OPERATOR.username, password: OPERATOR.password, role: 'operator', resetExisting: false })
      await saveStaffUser(t.database.db, { username: ADMIN.username, password: ADMIN.password, role: 'admin', resetExisting: false })
    }),
  )
  browser = await launchBrowser()
  desk = await newWechatContext(browser, desktop(1366, 768))
  phone = await newWechatContext(browser)
  await skipWechatOauth(phone.context)
  page = await desk.context.newPage()
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

describe('a unit sends its 附件2: 客服 registers its learners from the console', () => {
  it('one learner of the sheet registered earlier by phone', async () => {
    const request = phone.context.request
    expect((await request.post(`${server.baseUrl}/api/auth/sms-codes`, { data: { phone: registered.phone, purpose: 'register' } })).status()).toBe(200)
    const smsCode = await readSmsCode(request, server.baseUrl, registered.phone, 'register')
    const res = await request.post(`${server.baseUrl}/api/auth/register`, { data: { ...registered, smsCode, password: 'Registered2026', ...CONSENTS } })
    expect(res.status()).toBe(201)
  })

  it('客服 signs in and downloads the 附件2 template', async () => {
    await signInToConsole(page, server.baseUrl, OPERATOR)
    await page.getByRole('navigation', { name: '主菜单' }).getByText('批量注册').click()
    await page.waitForURL(/\/staff\/bulk-registrations$/)
    await page.getByRole('heading', { name: '批量注册', exact: true }).waitFor()
    await checkPage(page, 'bulk registration')
    const [template] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载模板' }).click()])
    expect(template.suggestedFilename()).toBe('附件2-批量注册名单模板.xlsx')
    expect(await sheetRows(template)).toEqual([['姓名', '身份证号', '手机号', '单位']])
  })

  it('uploads a sheet of three rows and sees each outcome, masked', async () => {
    const csv = ['姓名,身份证号,手机号,单位', ...[newcomer, registered, invalid].map((p) => `${p.realName},${p.idNumber},${p.phone},重庆市某某医院`)].join('\r\n')
    await page.getByLabel('名单文件（.xlsx / .csv）').setInputFiles({ name: '某某医院附件2.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByRole('button', { name: '上传并注册' }).click()
    await page.getByText('共 3 行：已创建 1，已存在 1，无效 1').waitFor()
    const table = page.getByRole('region', { name: '导入结果' })
    for (const [who, outcome] of [
      [newcomer, '已创建'],
      [registered, '已存在'],
      [invalid, '无效'],
    ] as const) {
      const row = table.getByRole('row').filter({ hasText: who.realName })
      await expect(row.getByText(outcome, { exact: true }).count()).resolves.toBe(1)
      await row.getByText(`${who.phone.slice(0, 3)}****${who.phone.slice(7)}`).waitFor()
    }
    const text = (await table.textContent()) ?? ''
    for (const who of [newcomer, registered, invalid]) {
      expect(text).not.toContain(who.idNumber)
      expect(text).not.toContain(who.phone)
    }
    await page.getByRole('cell', { name: '某某医院附件2.csv' }).waitFor()
    await checkPage(page, 'bulk registration: result')
  })

  it('downloads the result sheet: the three rows, masked', async () => {
    const [result] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载结果' }).click()])
    const rows = await sheetRows(result)
    expect(rows[0]).toEqual(['行号', '姓名', '身份证号', '手机号', '单位', '结果', '说明'])
    expect(rows.slice(1, 4).map((r) => [r[1], r[5]])).toEqual([
      [newcomer.realName, '已创建'],
      [registered.realName, '已存在'],
      [invalid.realName, '无效'],
    ])
    expect(rows[1]?.[2]).toBe(`${newcomer.idNumber.slice(0, 4)}**********${newcomer.idNumber.slice(-4)}`)
    const all = JSON.stringify(rows)
    for (const who of [newcomer, registered, invalid]) {
      expect(all).not.toContain(who.idNumber)
      expect(all).not.toContain(who.phone)
    }
  })

  it('the new learner signs in on the phone in WeChat with the texted password and must choose a new one', async () => {
    const outbox = await phone.context.request.get(`${server.baseUrl}/api/dev/sms-outbox?phone=${newcomer.phone}`)
    const { messages } = (await outbox.json()) as { messages: { purpose: string; code: string }[] }
    const texted = messages.find((m) => m.purpose === 'initial_password')?.code
    expect(texted).toBeTruthy()
    const learnerPage = await phone.context.newPage()
    await learnerPage.goto(`${server.baseUrl}/login`)
    await learnerPage.locator('input[name="account"]').fill(newcomer.phone)
    await learnerPage.locator('input[name="password"]').fill(texted as string)
    await learnerPage.getByRole('button', { name: '登录' }).click()
    await learnerPage.waitForURL(/\/change-password/)
    await learnerPage.getByText('初始密码').first().waitFor()
    await learnerPage.close()
    expect(phone.pageErrors).toEqual([])
  })

  it('客服 sees neither 系统检查 nor 工作人员 in the menu', async () => {
    const menu = page.getByRole('navigation', { name: '主菜单' })
    await menu.getByText('发票').waitFor()
    expect(await menu.getByText('系统检查').count()).toBe(0)
    expect(await menu.getByText('工作人员').count()).toBe(0)
  })
})

describe('an admin opens 发票, 课程与项目 and 系统检查 at both desktop sizes', () => {
  let admin: WechatContext
  let adminPage: Page

  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    it(`at ${width}×${height}`, async () => {
      if (!admin) {
        // One sign-in (an authenticator code is accepted once); the window is then resized.
        admin = await newWechatContext(browser, desktop(width, height))
        adminPage = await admin.context.newPage()
        await signInToConsole(adminPage, server.baseUrl, ADMIN)
      } else {
        await adminPage.setViewportSize({ width, height })
      }
      const menu = adminPage.getByRole('navigation', { name: '主菜单' })

      await menu.getByText('发票').click()
      await adminPage.getByRole('heading', { name: '发票', exact: true }).waitFor()
      await adminPage.getByText(/发票列表（共 \d+ 张）/).waitFor()
      await checkPage(adminPage, `invoices ${width}`)

      await menu.getByText('课程与项目').click()
      await adminPage.getByRole('heading', { name: '课程与项目', exact: true }).waitFor()
      await adminPage.getByText(/培训项目（共 \d+ 个）/).waitFor()
      await adminPage.getByRole('heading', { name: '导入课程清单' }).waitFor()
      const contents = adminPage.locator('details').first()
      if (!(await contents.evaluate((d) => (d as HTMLDetailsElement).open))) await contents.locator('summary').click()
      await contents.getByRole('columnheader', { name: '题库题数' }).waitFor()
      await checkPage(adminPage, `catalogue ${width}`)

      await menu.getByText('系统检查').click()
      await adminPage.getByRole('heading', { name: '系统检查', exact: true }).waitFor()
      await adminPage.getByRole('button', { name: '开始检查' }).click()
      // The check calls the simulator's WeChat, Pay and SMS endpoints: seconds on a busy machine.
      await adminPage.locator('[data-test="golive-summary"]').waitFor({ timeout: 90_000 })
      await adminPage.getByRole('region', { name: '微信支付' }).waitFor()
      await checkPage(adminPage, `golive ${width}`)
      expect(admin.pageErrors).toEqual([])
    }, 180_000)
  }

  afterAll(async () => admin?.context.close())

  it('no serious or critical axe-core violation, no sideways scrolling, no script error', () => {
    expect(a11y).toEqual([])
    expect(desk.pageErrors).toEqual([])
    expect(desk.blockedUrls).toEqual([])
  })
})
