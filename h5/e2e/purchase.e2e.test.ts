import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { signInNewWechatLearner } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'
import { fetchDemoProjects, PUBLIC_PROJECT_TITLE } from './demo-catalogue.ts'

// PAY-1 / PAY-2 / LRN-1 in the WeChat UA against the server in simulator mode: a WeChat-bound
// learner buys the public-subjects project (「立即购买」 → 「个人购买」 → 「以后申请」 → 「提交订单」),
// pays at the simulated cashier, and finds the plan under 「课程培训」. The simulator, not the page,
// tells the server the order is paid (a signed notification); the page only polls the order.

// PUBLIC_BASE_URL is http://localhost:<port>: OAuth's state cookie comes back to that origin only.
const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const PASSWORD = 'Study2025ok'
/** Hosts of WeChat and WeChat Pay: the simulator stands in for all of them. */
const WECHAT_HOST = /(^|\.)(weixin\.qq\.com|qq\.com|wechat\.com|weixin\.com|tenpay\.com|wechatpay\.cn)$/i

let journey: Journey
const requestedHosts = new Set<string>()

beforeAll(async () => {
  journey = await startJourney()
  journey.context.on('request', (request) => {
    try {
      requestedHosts.add(new URL(request.url()).hostname)
    } catch {
      // data: and the like have no host worth recording.
    }
  })
  // A learner registered and bound to a new simulated WeChat user beforehand, signed in in the browser.
  await signInNewWechatLearner(journey.context, origin, '支付学员', PASSWORD)
})

afterAll(() => journey?.close())

describe('立即购买 → 个人购买 → 提交订单 → 微信支付 (simulated) → 课程培训', () => {
  it('buys the public-subjects plan and studies it', async () => {
    const project = (await fetchDemoProjects(origin)).publicProject
    const price = `¥${(project.priceFen / 100).toFixed(2)}`

    const page = await journey.context.newPage()

    // 「课程培训」 has nothing yet; 首页 (在线学习中心) → the project → 「立即购买」.
    await page.goto(`${origin}/training`)
    await page.getByRole('heading', { name: '课程培训' }).waitFor()
    expect(await page.locator('body').innerText()).not.toContain(PUBLIC_PROJECT_TITLE)
    await page.locator('.van-tabbar').getByText('首页', { exact: true }).click()
    await page.locator('.project-card', { hasText: PUBLIC_PROJECT_TITLE }).first().click()
    await page.waitForURL(/\/projects\/\d+$/)
    await page.getByRole('button', { name: '立即购买' }).click()

    // 项目购买: the project to verify, and the two ways to buy.
    await page.waitForURL(/\/projects\/\d+\/purchase$/)
    await page.getByText('个人购买', { exact: true }).waitFor()
    const purchaseText = await page.locator('body').innerText()
    expect(purchaseText).toContain(PUBLIC_PROJECT_TITLE)
    expect(purchaseText).toContain(price)
    expect(purchaseText).toContain(`${project.year} 年`)
    expect(purchaseText).toContain(`${project.requiredHours} 学时`)
    // 团体购买 opens its own page (its journey is group-purchase.e2e.test.ts); back to choose 个人购买.
    await page.getByText('团体购买', { exact: true }).click()
    await page.waitForURL(/\/projects\/\d+\/group$/)
    await page.goBack()
    await page.waitForURL(/\/projects\/\d+\/purchase$/)

    await page.getByText('个人购买', { exact: true }).click()

    // 提交订单 with 「以后申请」 (the default, chosen explicitly as a learner following the manual would).
    await page.waitForURL(/\/projects\/\d+\/order$/)
    await page.getByText('以后申请', { exact: true }).click()
    expect(await page.locator('body').innerText()).toContain(price)
    await page.getByRole('button', { name: '提交订单' }).click()

    // The pay page, under /pay/, opens the simulated cashier by itself.
    await page.waitForURL(/\/pay\/orders\/\d+/)
    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.waitFor()
    const cashierText = await cashier.innerText()
    expect(cashierText).toContain('模拟支付（开发环境）')
    expect(cashierText).toContain('不会产生真实扣款')
    expect(cashierText).toContain(price)
    const orderStatuses: string[] = []
    page.on('response', (response) => {
      if (!/\/api\/orders\/\d+$/.test(new URL(response.url()).pathname) || response.request().method() !== 'GET') return
      response.json().then(
        (body: { status: string }) => orderStatuses.push(body.status),
        () => undefined,
      )
    })
    await cashier.getByRole('button', { name: '确认支付' }).click()

    // Paid according to the server (it heard from the simulator), not according to the page.
    await page.getByText('支付成功', { exact: true }).waitFor({ timeout: 30_000 })
    // The page showed it because the server's order said so.
    await expect.poll(() => orderStatuses.at(-1)).toBe('paid')
    await page.getByRole('button', { name: '查看订单' }).waitFor()

    await page.getByRole('button', { name: '进入学习' }).click()
    await page.waitForURL(/\/training$/)
    await page.getByText(PUBLIC_PROJECT_TITLE).first().waitFor({ timeout: 15_000 })
    await page.close()
  })

  it('keeps an order 待支付 after 取消 at the cashier, then closes it with 取消订单 and offers 重新下单', async () => {
    const project = (await fetchDemoProjects(origin)).professionalProject
    const page = await journey.context.newPage()
    await page.goto(`${origin}/projects/${project.id}/order`)
    await page.getByRole('button', { name: '提交订单' }).click()

    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.waitFor()
    await cashier.getByRole('button', { name: '取消', exact: true }).click()
    await page.getByText('支付已取消，订单仍为待支付。').waitFor()
    await page.getByText(/剩余支付时间 \d\d:\d\d/).waitFor()
    await page.getByRole('button', { name: '继续支付' }).waitFor()

    // 我的订单 lists it under 待支付 with its amount, Beijing-time creation time and countdown.
    await page.goto(`${origin}/orders?tab=pending`)
    const card = page.locator('.order-card', { hasText: project.title })
    await card.waitFor()
    const cardText = await card.innerText()
    expect(cardText).toContain('待支付')
    expect(cardText).toContain(`¥${(project.priceFen / 100).toFixed(2)}`)
    expect(cardText).toMatch(/下单时间\s*20\d\d-\d\d-\d\d \d\d:\d\d/)
    expect(cardText).toMatch(/剩余支付时间 \d\d:\d\d/)

    await card.getByRole('button', { name: '取消订单' }).click()
    await page.locator('.van-dialog').getByRole('button', { name: '取消订单' }).click()
    await page.getByText('订单已取消').waitFor()
    await page.getByRole('tab', { name: '已关闭' }).click()
    const closed = page.locator('.order-card', { hasText: project.title })
    await closed.getByText('已关闭', { exact: true }).waitFor()
    await closed.getByRole('button', { name: '重新下单' }).click()
    await page.waitForURL(new RegExp(`/projects/${project.id}/purchase$`))
    await page.close()
  })

  it('never contacted a WeChat host, kept every request on our own host and raised no script errors', () => {
    expect([...requestedHosts].filter((host) => WECHAT_HOST.test(host))).toEqual([])
    expect(journey.blockedUrls).toEqual([])
    expect(journey.pageErrors).toEqual([])
  })
})
