import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { pdfText } from '@app/server/testing'
import { signInNewWechatLearner } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'
import { fetchDemoProjects } from './demo-catalogue.ts'

// INV-1 / INV-2 / INV-4 in the WeChat UA against the server in simulator mode (its invoice job and
// the development provider): a learner pays an order with 「以后申请」, then 我的 → 「我的发票」 →
// 「申请开票」, fills the title 「从微信选择抬头」 (the simulated bridge's chooseInvoiceTitle), submits,
// waits for 已开具, opens 「打印发票」 (the signed PDF link) and reads the PDF's text back.

const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const PASSWORD = 'Invoice2025ok'
const EMAIL = `cw${Date.now() % 1_000_000}@example.cn`

let journey: Journey

beforeAll(async () => {
  journey = await startJourney()
  await signInNewWechatLearner(journey.context, origin, '发票学员', PASSWORD)
})

afterAll(() => journey?.close())

describe('以后申请 → 我的发票 → 申请开票 → 查看发票 (PDF)', () => {
  it('applies for a paid order later, and the PDF it gets reads back as text', async () => {
    const project = (await fetchDemoProjects(origin)).professionalProject
    const page = await journey.context.newPage()

    // Buy with 「以后申请」 and pay at the simulated cashier.
    await page.goto(`${origin}/projects/${project.id}/order`)
    await page.getByText('以后申请', { exact: true }).click()
    await page.getByRole('button', { name: '提交订单' }).click()
    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.getByRole('button', { name: '确认支付' }).click()
    await page.getByText('支付成功', { exact: true }).waitFor({ timeout: 30_000 })

    // 我的 → 「我的发票」: the paid order, not yet invoiced, with 「申请开票」 and the manual's notes.
    await page.goto(`${origin}/`)
    await page.locator('.van-tabbar').getByText('我的', { exact: true }).click()
    await page.getByText('我的发票', { exact: true }).click()
    await page.waitForURL(/\/invoices$/)
    await page.getByText('未申请发票').waitFor()
    expect(await page.locator('body').innerText()).toContain('不能跨年补开发票，请在缴费当年申请发票。')
    await page.getByRole('button', { name: '申请开票' }).click()

    // 「从微信选择抬头」: the simulated WeChat picker; the chosen unit title fills the form.
    await page.waitForURL(/\/invoices\/apply\?orderId=\d+/)
    await page.getByRole('button', { name: '从微信选择抬头' }).click()
    await page.getByText('重庆某某建筑设计研究院有限公司').click()
    await expect.poll(() => page.locator('input[name="title"]').inputValue()).toBe('重庆某某建筑设计研究院有限公司')
    expect(await page.locator('input[name="taxpayerId"]').inputValue()).toBe('91110000802100433B')
    await page.locator('input[name="email"]').fill(EMAIL)
    await page.getByRole('button', { name: '提交申请' }).click()

    // 查看发票: 申请中, then 已开具 with its number (the page refreshes itself).
    await page.waitForURL(/\/invoices\/\d+$/)
    await page.getByText('已开具', { exact: true }).waitFor({ timeout: 30_000 })
    const number = /发票号码\s*(\d{20})/.exec(await page.locator('body').innerText())?.[1]
    expect(number).toMatch(/^\d{20}$/)

    // 「打印发票」 opens the PDF through its signed link, in a new page, without our token.
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: '打印发票' }).click()])
    await popup.waitForLoadState('domcontentloaded').catch(() => undefined)
    const pdfUrl = popup.url()
    expect(pdfUrl).toMatch(/\/api\/invoices\/files\/\d+\/invoice\.pdf\?expires=\d+&sig=/)
    const pdf = await fetch(pdfUrl)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()))
    for (const expected of ['测试票据', '重庆某某建筑设计研究院有限公司', '91110000802100433B', '培训费', number as string]) expect(text).toContain(expected)
    await popup.close()

    // The same PDF went to the e-mail address given (the development outbox).
    const outbox = (await (await fetch(`${origin}/api/dev/mail-outbox?to=${encodeURIComponent(EMAIL)}`)).json()) as { messages: Array<{ attachments: string[] }> }
    expect(outbox.messages[0]?.attachments).toEqual([`invoice-${number}.pdf`])

    // Back on 我的发票 the order shows 已开具 with 「查看发票」.
    await page.goto(`${origin}/invoices`)
    await page.getByText('已开具', { exact: true }).waitFor()
    await page.getByRole('button', { name: '查看发票' }).waitFor()
    expect(journey.pageErrors).toEqual([])
    // Chromium's own PDF viewer loads chrome:// and chrome-extension:// resources; nothing else left the machine.
    expect(journey.blockedUrls.filter((url) => !/^chrome(-extension)?:\/\//.test(url))).toEqual([])
    await page.close()
  })
})
