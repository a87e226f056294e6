import type { Session } from '@app/shared/auth'
import type { InvoiceOrderList } from '@app/shared/invoices'
import type { Order, PayOrderResult } from '@app/shared/orders'
import { setTimeout as sleep } from 'node:timers/promises'
import type { APIRequestContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signInNewWechatLearner } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'
import { fetchDemoProjects, PUBLIC_PROJECT_TITLE } from './demo-catalogue.ts'

// What could stop or mislead a learner (GRP-1, PAY-2, CAT-1, docs/accessibility.md), in the WeChat
// UA on a 320 px phone: 「团体购买」 reachable for someone who already bought the plan, 订单号 /
// 发票号码 / e-mail kept whole and copyable, 「正在调起支付…」 with the order while the cashier opens,
// the home tabs whole, titles broken between words, and line numbers beside 团体购买's list.

const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const PASSWORD = 'Study2025ok'
/** The address that used to break as 「zhang.xinshou@exampl / e.com」. */
const EMAIL = 'zhang.xinshou@example.com'

let journey: Journey
let session: Session

/** The paid order's learner: pays through the real order and (simulated) WeChat Pay APIs. */
async function buyAndPay(request: APIRequestContext, projectId: number, invoice: object): Promise<Order> {
  const headers = { Authorization: `Bearer ${session.accessToken}` }
  const created = await request.post(`${origin}/api/orders`, { headers, data: { projectId, invoice } })
  expect(created.status()).toBe(201)
  const order = (await created.json()) as Order
  const pay = await request.post(`${origin}/api/orders/${order.id}/pay`, { headers })
  expect(pay.status()).toBe(200)
  const { payParams } = (await pay.json()) as PayOrderResult
  const cashier = await request.post(`${origin}/wx-sim/dev/pay`, { data: { ...payParams, action: 'confirm' } })
  expect(cashier.ok()).toBe(true)
  const deadline = Date.now() + 20_000
  for (;;) {
    const current = (await (await request.get(`${origin}/api/orders/${order.id}`, { headers })).json()) as Order
    if (current.status === 'paid') return current
    if (Date.now() > deadline) throw new Error(`order still ${current.status}`)
    await sleep(300)
  }
}

/** Whether the element's text is drawn on one line (one client rect for the whole string). */
function onOneLine(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const range = document.createRange()
    range.selectNodeContents(el)
    const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)))
    return tops.size === 1
  })
}

async function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText())
}

/** Taps 「复制」 beside the identifier and checks the toast and what the clipboard holds. */
async function copyAndCheck(page: Page, label: string, expected: string): Promise<void> {
  await page.evaluate(() => navigator.clipboard.writeText(''))
  await page.getByRole('button', { name: `复制${label}` }).click()
  await page.locator('.van-toast', { hasText: '已复制' }).waitFor()
  expect(await readClipboard(page)).toBe(expected)
  await page.locator('.van-toast').waitFor({ state: 'hidden' })
}

beforeAll(async () => {
  journey = await startJourney({ viewport: { width: 320, height: 568 }, permissions: ['clipboard-read', 'clipboard-write'] })
  session = await signInNewWechatLearner(journey.context, origin, '张新手', PASSWORD)
})

afterAll(() => journey?.close())

describe('a learner who bought for themselves', () => {
  it('finds 「团体购买」 on the project page and from 团购订单', async () => {
    const { publicProject } = await fetchDemoProjects(origin)
    await buyAndPay(journey.context.request, publicProject.id, { choice: 'now', titleType: 'personal', title: '张新手', email: EMAIL })

    const page = await journey.context.newPage()
    await page.goto(`${origin}/projects/${publicProject.id}`)
    // Owned: the bar offers studying, and 团体购买 is still there for the unit's staff.
    await page.getByRole('button', { name: '进入学习' }).waitFor()
    await page.getByText('团体购买', { exact: true }).click()
    await page.waitForURL(new RegExp(`/projects/${publicProject.id}/group$`))
    await page.getByLabel('输入需参训学员的身份证号码').waitFor()

    // 我的 → 团购订单 (none yet) → 「去选择培训项目」 → a project → 「团体购买」.
    await page.goto(`${origin}/group-orders`)
    await page.getByRole('button', { name: '去选择培训项目' }).click()
    await page.waitForURL(new RegExp(`^${origin}/(\\?.*)?$`))
    const card = page.locator('.project-card', { hasText: PUBLIC_PROJECT_TITLE }).first()
    await card.waitFor()
    // Covers and the yearly-rule tip settle first: a card moved by them would take the tap elsewhere.
    await page.waitForLoadState('networkidle')
    await card.click()
    await page.waitForURL(new RegExp(`/projects/${publicProject.id}$`))
    await page.getByText('团体购买', { exact: true }).click()
    await page.waitForURL(new RegExp(`/projects/${publicProject.id}/group$`))
    await page.close()
  })

  it('numbers the lines of 团体购买’s list, level with them as it scrolls', async () => {
    const { publicProject } = await fetchDemoProjects(origin)
    const page = await journey.context.newPage()
    await page.goto(`${origin}/projects/${publicProject.id}/group`)
    const field = page.getByLabel('输入需参训学员的身份证号码')
    await field.fill(Array.from({ length: 30 }, (_, i) => `50010119800101${String(1000 + i)}`).join('\n'))
    const gutter = page.locator('.group-purchase__gutter')
    expect((await gutter.innerText()).split('\n').slice(0, 3)).toEqual(['1', '2', '3'])
    expect((await gutter.innerText()).split('\n')).toHaveLength(30)
    // Scrolled to the end: line 30 and its number on the same level.
    await field.evaluate((el) => {
      el.scrollTop = el.scrollHeight
      el.dispatchEvent(new Event('scroll'))
    })
    const scrolled = await page.evaluate(() => {
      const area = document.querySelector('#group-id-numbers') as HTMLTextAreaElement
      const numbers = document.querySelector('.group-purchase__gutter') as HTMLElement
      return { area: area.scrollTop, gutter: numbers.scrollTop }
    })
    expect(scrolled.area).toBeGreaterThan(0)
    expect(Math.abs(scrolled.gutter - scrolled.area)).toBeLessThanOrEqual(1)
    await page.close()
  })
})

describe('提交订单 → 订单支付 on a 320 px phone', () => {
  it('says 「正在调起支付…」 with the order while the cashier opens, then keeps 订单号 whole and copies it', async () => {
    const { professionalProject } = await fetchDemoProjects(origin)
    const page = await journey.context.newPage()
    // What the pay page shows before the cashier: recorded as it happens, the moment may be short.
    await page.addInitScript((title: string) => {
      const seen: string[] = []
      ;(window as unknown as { __launching: string[] }).__launching = seen
      new MutationObserver(() => {
        const text = document.body?.innerText ?? ''
        if (text.includes('正在调起支付…')) seen.push(text.includes(title) ? 'with-order' : 'without-order')
      }).observe(document, { childList: true, subtree: true, characterData: true })
    }, professionalProject.title)
    await page.goto(`${origin}/projects/${professionalProject.id}/order`)
    await page.getByRole('button', { name: '提交订单' }).click()
    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.waitFor()
    const seen = await page.evaluate(() => (window as unknown as { __launching?: string[] }).__launching ?? [])
    expect(seen).toContain('with-order')
    await cashier.getByRole('button', { name: '取消', exact: true }).click()
    await page.getByText('支付已取消，订单仍为待支付。').waitFor()

    const orderNo = page.locator('.pay__order .app-identifier')
    const text = (await orderNo.innerText()).trim()
    expect(text).toMatch(/^[A-Z0-9]{16,}$/)
    expect(await onOneLine(orderNo)).toBe(true)
    await copyAndCheck(page, '订单号', text)
    await page.close()
  })
})

describe('查看发票 on a 320 px phone', () => {
  it('keeps the invoice number and the e-mail address whole, each copyable', { timeout: 90_000 }, async () => {
    const headers = { Authorization: `Bearer ${session.accessToken}` }
    // The first test's order asked for an invoice at once: the development provider issues it.
    let invoiceId: number | undefined
    await expect
      .poll(
        async () => {
          const list = (await (await journey.context.request.get(`${origin}/api/invoices`, { headers })).json()) as InvoiceOrderList
          const invoice = list.orders.find((o) => o.invoice?.state === 'issued')?.invoice
          invoiceId = invoice?.id
          return invoice?.number ?? null
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .not.toBeNull()

    const page = await journey.context.newPage()
    await page.goto(`${origin}/invoices/${invoiceId}`)
    await page.getByText('已开具', { exact: true }).waitFor()
    const cells = page.locator('.van-cell', { has: page.locator('.app-identifier') })
    const number = cells.filter({ hasText: '发票号码' }).locator('.app-identifier')
    const email = cells.filter({ hasText: '接收邮箱' }).locator('.app-identifier')
    expect(await email.innerText()).toBe(EMAIL)
    expect(await onOneLine(number)).toBe(true)
    expect(await onOneLine(email)).toBe(true)
    await copyAndCheck(page, '发票号码', (await number.innerText()).trim())
    await copyAndCheck(page, '接收邮箱', EMAIL)
    await page.close()
  })
})

describe('首页 and titles on a 320 px phone', () => {
  it('shows every 项目分类 tab whole and clear of the edge, and breaks titles between words', async () => {
    const page = await journey.context.newPage()
    await page.goto(`${origin}/`)
    const tabs = page.locator('.catalogue__tabs .van-tab')
    await tabs.first().waitFor()
    const first = await tabs.first().evaluate((el) => {
      const text = el.querySelector('.van-tab__text') as HTMLElement
      const range = document.createRange()
      range.selectNodeContents(text)
      const rect = range.getBoundingClientRect()
      return { left: rect.left, clipped: text.scrollWidth > text.clientWidth + 1 || text.scrollHeight > text.clientHeight + 1, text: text.textContent }
    })
    expect(first.clipped).toBe(false)
    expect(first.left).toBeGreaterThanOrEqual(12)

    // 「【体验】两分钟走完学习流程（演示项目）」: no line ends inside 学习, 流程, 项目, 体验.
    await page.getByRole('tab', { name: '体验（演示）' }).click()
    const title = page.locator('.project-card h3, .project-card h2').filter({ hasText: '学习流程' }).first()
    await title.waitFor()
    const split = await title.evaluate((el) => {
      const node = el.firstChild as Text
      const text = node.textContent ?? ''
      const words = ['体验', '两分钟', '学习', '流程', '演示', '项目']
      const broken: string[] = []
      for (const word of words) {
        const at = text.indexOf(word)
        if (at < 0) continue
        const tops = new Set<number>()
        for (let i = at; i < at + word.length; i++) {
          const range = document.createRange()
          range.setStart(node, i)
          range.setEnd(node, i + 1)
          tops.add(Math.round(range.getBoundingClientRect().top))
        }
        if (tops.size > 1) broken.push(word)
      }
      return broken
    })
    expect(split).toEqual([])
    expect(journey.pageErrors).toEqual([])
    await page.close()
  })
})
