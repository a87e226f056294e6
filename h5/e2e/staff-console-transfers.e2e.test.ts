import type { Page } from 'playwright-core'
import { prepareServerData, saveStaffUser } from '@app/server/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSENTS, newIdentity, readSmsCode, signInNewWechatLearner, type TestIdentity } from './accounts.ts'
import { launchBrowser, newWechatContext, skipWechatOauth, type WechatContext } from './browser.ts'
import { fetchDemoProjects, PUBLIC_PROJECT_TITLE } from './demo-catalogue.ts'
import { startServer, type StartedServer } from './global-setup.ts'
import { axeViolations } from './page-checks.ts'
import { signInToConsole } from './staff-sign-in.ts'

// Issue 24 point 4 (订单与退款, 对公转账) as a 财务 staff member lives it: a unit buys the year's plan
// for two learners by 对公转账; 财务 signs in (password + authenticator), opens 对公转账, confirms the
// receipt by amount and bank serial; the order is settled and a listed learner finds the plan in
// 课程培训; a second confirmation is refused. Then a refund: 财务 refunds a learner's own order with
// a reason, 刷新状态 shows 退款成功, and the learner's 我的订单 shows it refunded. Pages at 1366×768
// and 1920×1080; axe-core finds no serious or critical violation; nothing scrolls sideways.

const FINANCE = { username: 'caiwu.chen', password: 'Caiwu-Password-2026' }
const ADMIN = { username: 'admin.qian', password: 'Admin-Password-2026' }
const PASSWORD = 'Study2025ok'
const DESKTOP_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
const DESKTOP = { deviceScaleFactor: 1, isMobile: false, hasTouch: false, userAgent: DESKTOP_CHROME }

let server: StartedServer
let origin: string
let browser: Awaited<ReturnType<typeof launchBrowser>>
let desk: WechatContext
let buyer: WechatContext
let buyerToken = ''
let page: Page
const a11y: string[] = []
const listed = [newIdentity('单位学员甲'), newIdentity('单位学员乙')]
let reference = ''
let amountFen = 0

async function checkA11y(p: Page, name: string): Promise<void> {
  await p.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  for (const problem of await axeViolations(p)) a11y.push(`${name}: ${problem}`)
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  if (overflow > 0) a11y.push(`${name}: the page is ${overflow} px wider than the window`)
}

async function registerLearner(identity: TestIdentity): Promise<void> {
  const { context } = await newWechatContext(browser)
  try {
    expect((await context.request.post(`${origin}/api/auth/sms-codes`, { data: { phone: identity.phone, purpose: 'register' } })).status()).toBe(200)
    const smsCode = await readSmsCode(context.request, origin, identity.phone, 'register')
    const registered = await context.request.post(`${origin}/api/auth/register`, { data: { ...identity, smsCode, password: PASSWORD, ...CONSENTS } })
    expect(registered.status()).toBe(201)
  } finally {
    await context.close()
  }
}

const menu = (p: Page, name: string) => p.getByRole('navigation', { name: '主菜单' }).getByText(name, { exact: true }).click()

beforeAll(async () => {
  server = await startServer({}, (storage) =>
    prepareServerData(storage, { seed: false }, async (t) => {
      await saveStaffUser(t.database.db, { username: FINANCE.username, password: FINANCE.password, role: 'finance', resetExisting: false })
      await saveStaffUser(t.database.db, { username: ADMIN.username, password: ADMIN.password, role: 'admin', resetExisting: false })
    }),
  )
  // The simulator's OAuth returns to localhost: the WeChat state cookie must be set on that host.
  origin = server.baseUrl.replace('127.0.0.1', 'localhost')
  browser = await launchBrowser()
  desk = await newWechatContext(browser, { viewport: { width: 1366, height: 768 }, ...DESKTOP })
  buyer = await newWechatContext(browser)
  buyerToken = (await signInNewWechatLearner(buyer.context, origin, '团购经办', PASSWORD)).accessToken
  page = await desk.context.newPage()
}, 300_000)

afterAll(async () => {
  try {
    await desk?.context.close()
    await buyer?.context.close()
  } finally {
    await browser?.close()
    await server?.stop()
  }
})

describe('对公转账: a unit pays by bank transfer, 财务 confirms it once', () => {
  it('a unit buys the plan for two registered learners, to pay by 对公转账', async () => {
    for (const l of listed) await registerLearner(l)
    const project = (await fetchDemoProjects(origin)).publicProject
    const headers = { authorization: `Bearer ${buyerToken}` }
    const created = await buyer.context.request.post(`${origin}/api/group-orders`, { headers, data: { projectId: project.id, text: listed.map((l) => l.idNumber).join('\n') } })
    expect(created.status()).toBe(201)
    const orderId = ((await created.json()) as { order: { id: number } }).order.id
    const detail = (await (await buyer.context.request.get(`${origin}/api/group-orders/${orderId}`, { headers })).json()) as { transfer: { reference: string; amountFen: number } }
    reference = detail.transfer.reference
    amountFen = detail.transfer.amountFen
    expect(amountFen).toBe(2 * project.priceFen)
  })

  it('财务 signs in with password and authenticator and opens 对公转账: the order waits, oldest first', async () => {
    await signInToConsole(page, origin, FINANCE)
    await menu(page, '对公转账')
    await page.waitForURL(/\/staff\/transfers/)
    await page.getByRole('cell', { name: reference, exact: true }).waitFor()
    const table = (await page.locator('.el-table').first().textContent()) ?? ''
    for (const l of listed) expect(table).not.toContain(l.idNumber)
    await checkA11y(page, 'transfers')
  })

  it('confirms the receipt by amount and bank serial: the order is settled', async () => {
    await page.getByRole('button', { name: `确认到账（附言 ${reference}）` }).click()
    const dialog = page.getByRole('dialog', { name: '确认对公转账到账' })
    await dialog.waitFor()
    await dialog.getByLabel('到账金额（元）').fill((amountFen / 100).toFixed(2))
    await dialog.getByLabel('银行流水号').fill('CCB20261205001')
    await checkA11y(page, 'transfers: confirm dialog')
    await dialog.getByRole('button', { name: '确认到账' }).click()
    await page.getByTestId('transfer-result').filter({ hasText: '已结清' }).waitFor()
    // The queue is reloaded after the answer: the settled order leaves it.
    await expect.poll(() => page.getByRole('cell', { name: reference, exact: true }).count(), { timeout: 15_000 }).toBe(0)
    await checkA11y(page, 'transfers: confirmed')
  })

  it('a second confirmation of the same transfer is refused and settles nothing', async () => {
    await page.getByRole('button', { name: '按附言确认到账' }).click()
    const dialog = page.getByRole('dialog', { name: '确认对公转账到账' })
    await dialog.getByLabel('转账附言').fill(reference)
    await dialog.getByLabel('到账金额（元）').fill((amountFen / 100).toFixed(2))
    await dialog.getByLabel('银行流水号').fill('CCB20261205001')
    await dialog.getByRole('button', { name: '确认到账' }).click()
    await dialog.getByText(/已于 .* 确认（流水号 CCB20261205001），订单已结清，未重复入账/).waitFor()
    await checkA11y(page, 'transfers: refused')
    await dialog.getByRole('button', { name: '取消' }).click()
  })

  it('团购订单 shows the order paid, with its two learners', async () => {
    await menu(page, '团购订单')
    await page.getByRole('textbox', { name: '订单号、转账附言或单位名称' }).fill(reference)
    await page.getByRole('button', { name: '查询' }).click()
    await page.getByText('团购订单（共 1 笔）').waitFor()
    await page.getByRole('cell', { name: '已支付' }).waitFor()
    await checkA11y(page, 'group orders')
    await page.locator('.el-table a').first().click()
    await page.waitForURL(/\/staff\/group-orders\/\d+$/)
    await page.getByText('学员（共 2 人）').waitFor()
    const text = (await page.locator('main').textContent()) ?? ''
    for (const l of listed) {
      expect(text).toContain(l.realName)
      expect(text).not.toContain(l.idNumber)
    }
    expect(text).toContain('已开通')
    await checkA11y(page, 'group order learners')
  })

  it('a listed learner signs in and finds the plan in 课程培训', async () => {
    const { context } = await newWechatContext(browser)
    try {
      await skipWechatOauth(context)
      const own = await context.newPage()
      await own.goto(`${origin}/login`)
      await own.locator('input[name="account"]').fill(listed[0]!.idNumber)
      await own.locator('input[name="password"]').fill(PASSWORD)
      await own.getByRole('button', { name: '登录' }).click()
      await own.waitForURL((url) => !url.pathname.startsWith('/login'))
      await own.goto(`${origin}/training`)
      await own.getByText(PUBLIC_PROJECT_TITLE).first().waitFor({ timeout: 15_000 })
    } finally {
      await context.close()
    }
  })
})

describe('订单与退款: 财务 refunds a learner’s own order', () => {
  const payer = { orderId: 0, headers: {} as Record<string, string> }
  let learner: WechatContext

  it('a learner buys the plan with WeChat Pay (simulated cashier)', async () => {
    learner = await newWechatContext(browser)
    const session = await signInNewWechatLearner(learner.context, origin, '退款学员', PASSWORD)
    const headers = { authorization: `Bearer ${session.accessToken}` }
    const project = (await fetchDemoProjects(origin)).professionalProject
    const order = (await (await learner.context.request.post(`${origin}/api/orders`, { headers, data: { projectId: project.id, invoice: { choice: 'later' } } })).json()) as { id: number }
    const prepared = (await (await learner.context.request.post(`${origin}/api/orders/${order.id}/pay`, { headers })).json()) as { payParams: Record<string, string> }
    const paid = (await (await learner.context.request.post(`${origin}/wx-sim/dev/pay`, { data: { ...prepared.payParams, action: 'confirm' } })).json()) as { err_msg: string }
    expect(paid.err_msg).toBe('get_brand_wcpay_request:ok')
    await expect.poll(async () => ((await (await learner.context.request.get(`${origin}/api/orders/${order.id}`, { headers })).json()) as { status: string }).status, { timeout: 20_000 }).toBe('paid')
    payer.orderId = order.id
    payer.headers = headers
  })

  it('财务 finds the order, refunds it with a reason after a confirmation, and 刷新状态 shows 退款成功', async () => {
    await menu(page, '订单与退款')
    await page.waitForURL(/\/staff\/orders/)
    await page.getByRole('combobox', { name: '订单状态' }).waitFor()
    await page.getByRole('button', { name: '查询' }).click()
    await page.getByText(/查询结果（共 \d+ 笔）/).waitFor()
    await checkA11y(page, 'orders')
    await page.goto(`${origin}/staff/orders/${payer.orderId}`)
    await page.getByTestId('order-status').filter({ hasText: '已支付' }).waitFor()
    await checkA11y(page, 'order detail')
    await page.getByRole('button', { name: '退款', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: '确认退款' })
    await dialog.waitFor()
    await dialog.getByLabel(/退款原因/).fill('学员申请退款（工作调动）')
    await checkA11y(page, 'order detail: refund dialog')
    await dialog.getByRole('button', { name: '确认退款' }).click()
    await page.getByTestId('refund-status').first().waitFor()
    // WeChat finishes the refund a moment later; 刷新状态 asks it (its notification may also arrive first).
    await expect
      .poll(
        async () => {
          const refresh = page.getByRole('button', { name: '刷新状态' })
          if (await refresh.count()) await refresh.first().click()
          await page.waitForTimeout(500)
          return (await page.getByTestId('refund-status').first().textContent())?.trim()
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBe('退款成功')
    await page.reload()
    await page.getByTestId('order-status').filter({ hasText: '已退款' }).waitFor()
    await checkA11y(page, 'order detail: refunded')
  })

  it('the learner’s 我的订单 shows the order refunded', async () => {
    try {
      const own = (await (await learner.context.request.get(`${origin}/api/orders/${payer.orderId}`, { headers: payer.headers })).json()) as { status: string }
      expect(own.status).toBe('refunded')
      const orders = await learner.context.newPage()
      await orders.goto(`${origin}/orders`)
      await orders.getByRole('tab', { name: '已退款' }).click()
      await orders.locator('.van-tag', { hasText: '已退款' }).first().waitFor()
    } finally {
      await learner.context.close()
    }
  })
})

describe('the money pages at 1920×1080', () => {
  it('an admin opens 订单与退款, 对公转账 and 团购订单 without sideways scrolling or serious axe-core violations', async () => {
    const wide = await newWechatContext(browser, { viewport: { width: 1920, height: 1080 }, ...DESKTOP })
    try {
      const p = await wide.context.newPage()
      await signInToConsole(p, origin, ADMIN)
      for (const [name, path] of [
        ['订单与退款', /\/staff\/orders/],
        ['对公转账', /\/staff\/transfers/],
        ['团购订单', /\/staff\/group-orders/],
      ] as const) {
        await menu(p, name)
        await p.waitForURL(path)
        await p.locator('.el-table').first().waitFor()
        await checkA11y(p, `${name} at 1920`)
      }
      expect(wide.pageErrors).toEqual([])
    } finally {
      await wide.context.close()
    }
  })

  it('no serious or critical axe-core violation, no sideways scrolling, no script error', () => {
    expect(a11y).toEqual([])
    expect(desk.pageErrors).toEqual([])
    expect(desk.blockedUrls).toEqual([])
  })
})
