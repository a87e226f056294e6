import fs from 'node:fs'
import ExcelJS from 'exceljs'
import type { Catalogue } from '@app/shared/catalogue'
import type { Page } from 'playwright-core'
import { bearer, completePlan, enrol, prepareServerData, registerLearner, saveStaffUser, type Registered } from '@app/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newWechatContext, type WechatContext } from './browser.ts'
import { demoProjects } from './demo-catalogue.ts'
import { startServer, type StartedServer } from './global-setup.ts'
import { axeViolations } from './page-checks.ts'
import { signInToConsole } from './staff-sign-in.ts'

// Issue 24 points 8 and 9: an admin reads 统计 (today's orders and revenue, completion of the year's
// plan by 区县 and by unit, the numbers beside the charts), downloads a unit's completion report and
// checks its rows, then finds the sign-in and the download in 审计日志, filtered by action. 在线客服
// opens. Every page at 1366×768 and 1920×1080: axe-core, no sideways scrolling, no script error.

const ADMIN = { username: 'admin.tongji', password: 'Admin-Password-2026' }
const HOSPITAL = '示例单位：重庆市某某人民医院（样例）'
const DESKTOP_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

let server: StartedServer
let browser: Awaited<ReturnType<typeof launchBrowser>>
let desk: WechatContext
let page: Page
let priceFen = 0
let atHospital: Registered
const a11y: string[] = []

async function checkPage(name: string): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  for (const problem of await axeViolations(page)) a11y.push(`${name}: ${problem}`)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  if (overflow > 0) a11y.push(`${name}: the page is ${overflow} px wider than the window`)
}

const menu = () => page.getByRole('navigation', { name: '主菜单' })

beforeAll(async () => {
  // Three learners bought the 2025 public-subjects plan today; two completed it by watching (the
  // honest way, through the learning API) and chose on their certificate a unit or a 区县.
  server = await startServer({}, (storage) =>
    prepareServerData(storage, { antiIdle: { minSeconds: 3600, maxSeconds: 3600 } }, async (t) => {
      await saveStaffUser(t.database.db, { username: ADMIN.username, password: ADMIN.password, role: 'admin', resetExisting: false })
      const { publicProject } = demoProjects((await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json<Catalogue>())
      priceFen = publicProject.priceFen
      const learners: Registered[] = []
      for (const [k, realName] of ['单位学员', '区县学员', '在学学员'].entries()) {
        const learner = await registerLearner(t.app, { realName, remoteAddress: `10.91.0.${k + 1}` })
        await enrol(t.database.db, learner.userId, publicProject.id, t.clock.now)
        learners.push(learner)
      }
      const [unitLearner, districtLearner] = learners as [Registered, Registered]
      atHospital = unitLearner
      const units = await t.app.inject({ method: 'GET', url: `/api/certificates/organisations?q=${encodeURIComponent('人民医院')}`, headers: bearer(unitLearner.accessToken) })
      const unitId = (units.json() as { organisations: { id: number; name: string }[] }).organisations.find((o) => o.name === HOSPITAL)?.id
      for (const [learner, organisation] of [
        [unitLearner, { unitId }],
        [districtLearner, { districtCode: '500103' }],
      ] as const) {
        await completePlan(t, learner, publicProject.id)
        const issued = await t.app.inject({
          method: 'POST',
          url: '/api/certificates',
          headers: bearer(learner.accessToken),
          payload: { projectId: publicProject.id, confirmName: learner.realName, confirmIdNumber: learner.idNumber, organisation },
        })
        expect(issued.statusCode).toBe(201)
      }
    }),
  )
  browser = await launchBrowser()
  desk = await newWechatContext(browser, { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false, userAgent: DESKTOP_CHROME, acceptDownloads: true })
  page = await desk.context.newPage()
}, 300_000)

afterAll(async () => {
  try {
    await desk?.context.close()
  } finally {
    await browser?.close()
    await server?.stop()
  }
})

describe('统计 and 审计日志: an admin reads the figures and downloads a unit report', () => {
  it('the admin signs in with password and authenticator code', async () => {
    await signInToConsole(page, server.baseUrl, ADMIN)
  })

  it("统计 shows today's orders, revenue and registrations, and completion by 区县 and unit as prepared, numbers beside the charts", async () => {
    await menu().getByText('统计').click()
    await page.waitForURL(/\/staff\/stats$/)
    await page.getByRole('heading', { name: '统计', level: 1 }).waitFor()
    const today = page.locator('[data-test="period-今日"]')
    await today.getByText('3 笔').waitFor()
    const yuan = `¥${((3 * priceFen) / 100).toFixed(2)}`
    const todayText = (await today.textContent()) ?? ''
    expect(todayText).toContain(`收入${yuan}`)
    expect(todayText).toContain('退款金额¥0.00')
    expect(todayText).toContain('新注册3 人')
    const thisYear = new Date(Date.now() + 8 * 3600_000).getUTCFullYear() // Beijing time
    expect((await page.locator(`[data-test="period-${thisYear}年"]`).textContent()) ?? '').toContain(`收入${yuan}`)

    // The plan year opens on 2025 (the demo plans' year); every figure is in the tables beside the charts.
    await page.getByRole('heading', { name: '2025年度计划完成情况（按区县）' }).waitFor()
    const districtRows = await page.locator('[data-test="district-table"] .el-table__body tr').allInnerTexts()
    const cells = (rows: string[]) => rows.map((r) => r.split('\t').map((c) => c.trim()).filter(Boolean))
    expect(cells(districtRows)).toEqual(
      expect.arrayContaining([
        ['江北区', '1', '1', '100.0%', '下载'],
        ['渝中区', '1', '1', '100.0%', '下载'],
        ['未选择单位', '1', '0', '0.0%'],
      ]),
    )
    expect(districtRows).toHaveLength(3)
    expect(cells(await page.locator('[data-test="unit-table"] .el-table__body tr').allInnerTexts())).toEqual([[HOSPITAL, '江北区', '1', '1', '100.0%', '下载']])
    await page.getByRole('img', { name: /各区县完成情况条形图/ }).locator('svg').waitFor()
    await checkPage('stats')
  })

  it("downloads the unit's completion report: one row, the learner's ID number masked", async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `下载${HOSPITAL}完成情况报表` }).click()])
    expect(download.suggestedFilename()).toBe(`2025年${HOSPITAL}完成情况.xlsx`)
    const file = await download.path()
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(fs.readFileSync(file) as unknown as ArrayBuffer)
    const detail = book.getWorksheet('明细')
    const rows: string[][] = []
    detail?.eachRow((row, n) => {
      if (n > 1) rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? '')))
    })
    expect(rows).toHaveLength(1)
    const [row] = rows as [string[]]
    expect(row.slice(0, 3)).toEqual([HOSPITAL, '江北区', atHospital.realName])
    expect(row[3]).toBe(`${atHospital.idNumber.slice(0, 4)}${'*'.repeat(10)}${atHospital.idNumber.slice(14)}`)
    expect(row).toContain('已完成')
    await page.getByText(/已下载/).waitFor()
  })

  it('审计日志 shows the sign-in and the download, filtered by action', async () => {
    await menu().getByText('审计日志').click()
    await page.waitForURL(/\/staff\/audit-log/)
    await page.getByRole('heading', { name: '审计日志' }).waitFor()
    const table = page.locator('[data-test="audit-table"]')
    await table.getByText('下载完成情况报表').waitFor()
    await checkPage('audit log')

    const filterBy = async (label: string, code: string) => {
      await page.locator('.el-form-item', { hasText: '操作' }).locator('.el-select__wrapper').click()
      await page.getByRole('option', { name: label, exact: true }).click()
      await page.getByRole('button', { name: '查询' }).click()
      await page.waitForURL((url) => url.searchParams.get('action') === code)
    }
    // Unfiltered: the sign-in and the download (2 records); filtered: one each.
    await filterBy('登录', 'staff.sign_in')
    await page.getByRole('heading', { name: '共 1 条记录' }).waitFor()
    expect(((await table.locator('.el-table__body').textContent()) ?? '').replace(/\s+/g, '')).toContain(`${ADMIN.username}登录staff:`)
    await filterBy('下载完成情况报表', 'report.completion_download')
    await table.locator('.el-table__body').getByText('下载完成情况报表', { exact: true }).waitFor()
    await page.getByRole('heading', { name: '共 1 条记录' }).waitFor()
    const text = (await table.locator('.el-table__body').textContent()) ?? ''
    expect(text).toContain('下载完成情况报表')
    expect(text).toMatch(/unit:\d+/)
    expect(text).toContain('年度：2025')
    expect(text).toContain('行数：1')
    await checkPage('audit log: filtered')
  })

  it('在线客服 opens (no conversation yet)', async () => {
    await menu().getByText('在线客服').click()
    await page.waitForURL(/\/staff\/conversations$/)
    await page.getByText('还没有学员发来消息').waitFor()
    await checkPage('conversations')
  })

  it('the same pages at 1920×1080', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 })
    for (const [entry, path, ready] of [
      ['统计', /\/stats$/, '2025年度计划完成情况（按单位）'],
      ['审计日志', /\/audit-log/, '审计日志'],
      ['在线客服', /\/conversations$/, '在线客服'],
    ] as const) {
      await menu().getByText(entry).click()
      await page.waitForURL(path)
      await page.getByRole('heading', { name: ready }).first().waitFor()
      await checkPage(`${entry} at 1920`)
    }
  })

  it('no serious or critical axe-core violation, no sideways scrolling, no script error', () => {
    expect(a11y).toEqual([])
    expect(desk.pageErrors).toEqual([])
    expect(desk.blockedUrls).toEqual([])
  })
})
