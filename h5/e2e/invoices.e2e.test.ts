import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { pdfText } from '@app/server/testing'
import { signInNewWechatLearner } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'
import { fetchDemoProjects } from './demo-catalogue.ts'

// INV-1 / INV-2 / INV-4 in the WeChat UA against the server in simulator mode (its invoice job and
// the development provider): a learner pays an order with 「以后申请」, then 我的 → 「我的发票」 →
// 「申请开票」, fills the title 「从微信选择抬头」 (the simulated bridge's chooseInvoiceTitle), submits,
// waits for 已开具, and taps every button that leads to the file: 「下载发票」 (a real link: Chromium
// saves the file; with the download attribute ignored, as WeChat does, it opens the PDF), 「打印发票」
// (the signed PDF link in a new view) and 「发送到邮箱」 (the development outbox receives it), reading
// each PDF's text back. A second journey orders with 「立即申请」: the H5 refuses markup before
// submitting and sends the learner's confirmation of a taxpayer id failing its check.

const origin = inject('baseUrl').replace('127.0.0.1', 'localhost')
const PASSWORD = 'Invoice2025ok'
const EMAIL = `cw${Date.now() % 1_000_000}@example.cn`
const FORWARD_EMAIL = `fw${Date.now() % 1_000_000}@example.cn`

async function outboxAttachments(to: string): Promise<string[][]> {
  const outbox = (await (await fetch(`${origin}/api/dev/mail-outbox?to=${encodeURIComponent(to)}`)).json()) as { messages: Array<{ attachments: string[] }> }
  return outbox.messages.map((m) => m.attachments)
}

async function expectInvoicePdf(bytes: Uint8Array, number: string): Promise<void> {
  expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
  const text = await pdfText(bytes)
  for (const expected of ['测试票据', '重庆某某建筑设计研究院有限公司', '91110000802100433B', '培训费', number]) expect(text).toContain(expected)
}

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

    // 申请开票 says which order and amount it is for.
    await page.waitForURL(/\/invoices\/apply\?orderId=\d+/)
    const orderCells = page.locator('.invoice-apply__order')
    await orderCells.getByText(project.title).waitFor()
    expect(await orderCells.innerText()).toMatch(/订单号\s*[0-9A-Za-z]{10,}/)
    expect(await orderCells.innerText()).toContain('开票金额')

    // 「从微信选择抬头」: the simulated WeChat picker; the chosen unit title fills the form.
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

    // 「下载发票」 is a real link to the signed PDF: a browser saves the file…
    const download = page.getByRole('link', { name: '下载发票' })
    expect(await download.evaluate((a) => a.tagName)).toBe('A')
    expect(await download.getAttribute('href')).toMatch(/\/api\/invoices\/files\/\d+\/invoice\.pdf\?expires=\d+&sig=/)
    const [saved] = await Promise.all([page.waitForEvent('download'), download.click()])
    expect(saved.suggestedFilename()).toBe(`invoice-${number}.pdf`)
    await expectInvoicePdf(new Uint8Array(await readFile(await saved.path())), number as string)

    // …and where the download attribute does nothing (WeChat's browser), the tap opens the PDF itself.
    await download.evaluate((a) => a.removeAttribute('download'))
    const [opened] = await Promise.all([page.waitForResponse((r) => r.url().includes('/invoice.pdf?')), download.click()])
    expect(opened.status()).toBe(200)
    expect(opened.headers()['content-type']).toBe('application/pdf')
    await expect.poll(() => page.url()).toBe(opened.url())
    // Chromium hands the bytes to its PDF viewer; the same URL, asked again without our token, gives them.
    await expectInvoicePdf(new Uint8Array(await (await page.request.get(opened.url())).body()), number as string)
    await page.goBack()
    await page.getByText('已开具', { exact: true }).waitFor()

    // 「打印发票」 opens the PDF through its signed link, in a new page, without our token.
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: '打印发票' }).click()])
    await popup.waitForLoadState('domcontentloaded').catch(() => undefined)
    const pdfUrl = popup.url()
    expect(pdfUrl).toMatch(/\/api\/invoices\/files\/\d+\/invoice\.pdf\?expires=\d+&sig=/)
    const pdf = await fetch(pdfUrl)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    await expectInvoicePdf(new Uint8Array(await pdf.arrayBuffer()), number as string)
    await popup.close()

    // The same PDF went to the e-mail address given (the development outbox).
    expect(await outboxAttachments(EMAIL)).toEqual([[`invoice-${number}.pdf`]])

    // 「发送到邮箱」: to another address, typed in the dialog.
    await page.getByRole('button', { name: '发送到邮箱' }).click()
    const mailDialog = page.getByRole('dialog', { name: '发送到邮箱' })
    expect(await mailDialog.locator('input[name="mailTo"]').inputValue()).toBe(EMAIL)
    await mailDialog.locator('input[name="mailTo"]').fill(FORWARD_EMAIL)
    await mailDialog.getByRole('button', { name: '发送' }).click()
    await page.getByText(`已发送到 ${FORWARD_EMAIL}`).waitFor()
    expect(await outboxAttachments(FORWARD_EMAIL)).toEqual([[`invoice-${number}.pdf`]])

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

describe('提交订单 with 「立即申请」', () => {
  it('refuses markup before submitting, and sends the confirmation of a taxpayer id failing its check', async () => {
    const project = (await fetchDemoProjects(origin)).publicProject
    const page = await journey.context.newPage()
    await page.goto(`${origin}/projects/${project.id}/order`)
    await page.getByText('立即申请', { exact: true }).click()
    await page.getByText('单位', { exact: true }).click()

    // The shared rule speaks before anything is sent.
    await page.locator('input[name="title"]').fill('<script>alert(1)</script>')
    await page.locator('input[name="email"]').click()
    await page.getByText('发票抬头不能包含“<”“>”等网页标记符号', { exact: false }).waitFor()
    await page.getByRole('button', { name: '提交订单' }).click()
    expect(await page.getByRole('dialog', { name: '模拟支付（开发环境）' }).count()).toBe(0)

    await page.locator('input[name="title"]').fill('重庆某某建筑设计研究院有限公司')
    await page.locator('input[name="taxpayerId"]').fill('91110000802100433C')
    await page.locator('input[name="email"]').fill(EMAIL)
    await page.getByRole('button', { name: '提交订单' }).click()
    const confirm = page.getByRole('dialog', { name: '请核实纳税人识别号' })
    await confirm.getByRole('button', { name: '确认无误，继续' }).click()

    // The server took the confirmation: the order exists and goes on to payment.
    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.getByRole('button', { name: '确认支付' }).click()
    await page.getByText('支付成功', { exact: true }).waitFor({ timeout: 30_000 })

    // Paid: the job's sweep issues the invoice (within its 5 s period) with the id as confirmed.
    const card = page.locator('.invoices__order', { hasText: project.title })
    await expect
      .poll(
        async () => {
          await page.goto(`${origin}/invoices`)
          await card.waitFor()
          return card.getByText('已开具', { exact: true }).count()
        },
        { timeout: 40_000, interval: 2_000 },
      )
      .toBe(1)
    await card.getByRole('button', { name: '查看发票' }).click()
    await page.getByText('91110000802100433C').waitFor()
    expect(journey.pageErrors).toEqual([])
    await page.close()
  })
})
