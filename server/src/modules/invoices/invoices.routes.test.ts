import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { readDevMailOutbox } from '../../integrations/mail/dev-outbox.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder, paidOrder, pdfText, UNIT } from '../../../test/invoices-helpers.ts'

// INV-1 … INV-3 through the API, with the development provider and the invoice job run by the test.
// Times are chosen in Asia/Shanghai (UTC+8): 2025-12-31T15:59:59Z is 31 Dec 23:59:59 there.

let t: TestApp
let projectId: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
})
afterAll(async () => t.close())

const PERSONAL = { titleType: 'personal', title: '张三', email: 'zhangsan@example.cn' } as const

/** Sessions live by the wall clock: register at the real time, then move the app's clock. */
async function newLearner(): Promise<Registered> {
  const saved = t.clock.now
  t.clock.now = new Date()
  const learner = await registerLearner(t.app)
  t.clock.now = saved
  return learner
}

function at(iso: string) {
  t.clock.now = new Date(iso)
}

async function apply(learner: Registered, orderId: number, details: object = UNIT) {
  return t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(learner.accessToken), payload: { orderId, ...details } })
}

async function modify(learner: Registered, invoiceId: number, details: object = UNIT) {
  return t.app.inject({ method: 'POST', url: `/api/invoices/${invoiceId}/modification`, headers: bearer(learner.accessToken), payload: details })
}

async function runJob() {
  return runInvoiceJobOnce(invoiceJobDeps(t))
}

async function issuedInvoice(learner: Registered, paidAt: string, details: object = UNIT) {
  const order = await paidOrder(t.database.db, learner.userId, projectId, new Date(paidAt))
  const res = await apply(learner, order.id, details)
  expect(res.statusCode, res.body).toBe(201)
  await runJob()
  const view = (await t.app.inject({ method: 'GET', url: `/api/invoices/${res.json().id}`, headers: bearer(learner.accessToken) })).json()
  expect(view.state).toBe('issued')
  return { order, invoice: view }
}

describe('「申请开票」 and the development provider (INV-2, INV-4)', () => {
  it('applies for a paid order, issues through the job, e-mails the PDF and serves it through a signed link', async () => {
    at('2025-06-01T02:00:00Z')
    const learner = await newLearner()
    const order = await paidOrder(t.database.db, learner.userId, projectId, new Date('2025-05-30T02:00:00Z'))
    const list = (await t.app.inject({ method: 'GET', url: '/api/invoices', headers: bearer(learner.accessToken) })).json()
    expect(list.orders).toHaveLength(1)
    expect(list.orders[0]).toMatchObject({ orderId: order.id, invoice: null, applyRefusal: null })

    const res = await apply(learner, order.id, { ...UNIT, saveTitle: true })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ state: 'requested', amountFen: order.amountFen, itemName: '培训费', number: null, pdfUrl: null })
    // 6% included in the amount paid: 9000 × 0.06 / 1.06 = 509.43… → 509 fen.
    expect(res.json().taxFen).toBe(Math.round((order.amountFen * 600) / 10600))

    const again = await apply(learner, order.id)
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('INVOICE_ALREADY_APPLIED')

    await runJob()
    const view = (await t.app.inject({ method: 'GET', url: `/api/invoices/${res.json().id}`, headers: bearer(learner.accessToken) })).json()
    expect(view.state).toBe('issued')
    expect(view.number).toMatch(/^\d{20}$/)
    expect(view.pdfUrl).toMatch(/^\/api\/invoices\/files\/\d+\/invoice\.pdf\?expires=\d+&sig=/)

    // The signed link works without a token (WeChat's download / print), and the text reads back.
    const pdf = await t.app.inject({ method: 'GET', url: view.pdfUrl })
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    const text = await pdfText(pdf.rawPayload)
    for (const expected of ['测试票据', UNIT.title, UNIT.taxpayerId, '培训费', view.number, '重庆市某某继续教育培训中心（示例）', '¥90.00', '5.09', '6%', '2025年06月01日']) {
      expect(text).toContain(expected)
    }
    // A forged or expired signature is refused.
    const forged = await t.app.inject({ method: 'GET', url: view.pdfUrl.replace(/sig=[^&]+/, 'sig=AAAA') })
    expect(forged.statusCode).toBe(401)

    const mail = await readDevMailOutbox(t.database.db, UNIT.email)
    expect(mail).toHaveLength(1)
    expect(mail[0]?.attachments).toEqual([`invoice-${view.number}.pdf`])
    await runJob()
    expect(await readDevMailOutbox(t.database.db, UNIT.email)).toHaveLength(1)

    const titles = (await t.app.inject({ method: 'GET', url: '/api/invoices/titles', headers: bearer(learner.accessToken) })).json()
    expect(titles.titles).toEqual([expect.objectContaining({ titleType: 'unit', title: UNIT.title, taxpayerId: UNIT.taxpayerId })])
  })

  it("never shows or serves another buyer's invoice", async () => {
    at('2025-06-01T02:00:00Z')
    const owner = await newLearner()
    const other = await newLearner()
    const { order, invoice } = await issuedInvoice(owner, '2025-05-30T02:00:00Z')
    expect((await apply(other, order.id)).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: `/api/invoices/${invoice.id}`, headers: bearer(other.accessToken) })).statusCode).toBe(404)
    const file = invoice.pdfUrl.split('?')[0]
    expect((await t.app.inject({ method: 'GET', url: file, headers: bearer(other.accessToken) })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/api/invoices', headers: bearer(other.accessToken) })).json().orders).toEqual([])
  })

  it('checks the details: format errors refuse, a failed GB 32100 check asks for confirmation', async () => {
    at('2025-06-01T02:00:00Z')
    const learner = await newLearner()
    const order = await paidOrder(t.database.db, learner.userId, projectId, new Date('2025-05-30T02:00:00Z'))
    const noId = await apply(learner, order.id, { ...UNIT, taxpayerId: '' })
    expect(noId.json()).toMatchObject({ code: 'INVOICE_INVALID', message: '单位发票须填写纳税人识别号' })
    const badCheck = await apply(learner, order.id, { ...UNIT, taxpayerId: '91110000802100433C' })
    expect(badCheck.statusCode).toBe(409)
    expect(badCheck.json().code).toBe('TAXPAYER_ID_UNCONFIRMED')
    expect(badCheck.json().message).toContain('核实')
    const confirmed = await apply(learner, order.id, { ...UNIT, taxpayerId: '91110000802100433c', confirmTaxpayerId: true })
    expect(confirmed.statusCode, confirmed.body).toBe(201)
    expect(confirmed.json().taxpayerId).toBe('91110000802100433C')
    // 15- and 20-character older ids have no check character and are taken as they are.
    const older = await paidOrder(t.database.db, learner.userId, projectId, new Date('2025-05-30T02:00:00Z'))
    expect((await apply(learner, older.id, { ...UNIT, taxpayerId: '500103123456789' })).statusCode).toBe(201)
  })
})

describe('the year rule: 不能跨年补开发票 (INV-3)', () => {
  it('accepts on 31 Dec 23:59:59 and refuses on 1 Jan 00:00:00 Shanghai time, naming the rule', async () => {
    const learner = await newLearner()
    const paidAt = '2025-03-01T02:00:00Z'
    const first = await paidOrder(t.database.db, learner.userId, projectId, new Date(paidAt))
    const second = await paidOrder(t.database.db, learner.userId, projectId, new Date(paidAt))
    at('2025-12-31T15:59:59Z')
    expect((await apply(learner, first.id)).statusCode).toBe(201)
    at('2025-12-31T16:00:00Z')
    const late = await apply(learner, second.id)
    expect(late.statusCode).toBe(409)
    expect(late.json()).toMatchObject({ code: 'INVOICE_NOT_ALLOWED' })
    expect(late.json().message).toContain('不能跨年补开发票')
    const list = (await t.app.inject({ method: 'GET', url: '/api/invoices', headers: bearer(learner.accessToken) })).json()
    expect(list.orders.find((o: { orderId: number }) => o.orderId === second.id).applyRefusal).toContain('不能跨年补开发票')
  })

  it('takes a payment at 31 Dec 16:30 UTC as paid in the new year (1 Jan 00:30 Shanghai)', async () => {
    const learner = await newLearner()
    const order = await paidOrder(t.database.db, learner.userId, projectId, new Date('2025-12-31T16:30:00Z'))
    at('2026-01-05T02:00:00Z')
    expect((await apply(learner, order.id)).statusCode).toBe(201)
  })
})

describe('修改发票: once, within 15 days, not across a year end (INV-3)', () => {
  it('modifies on day 15 as a red-letter invoice plus a new one, keeping both numbers; a second modification is refused', async () => {
    at('2025-03-01T02:00:00Z')
    const learner = await newLearner()
    const { invoice } = await issuedInvoice(learner, '2025-03-01T01:00:00Z', PERSONAL)
    // Issued 1 March (Shanghai); day 15 is 16 March, 23:59:59 there.
    at('2025-03-16T15:59:59Z')
    const res = await modify(learner, invoice.id, UNIT)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ state: 'reversing', modifications: 1, title: UNIT.title })
    await runJob()
    const done = (await t.app.inject({ method: 'GET', url: `/api/invoices/${invoice.id}`, headers: bearer(learner.accessToken) })).json()
    expect(done).toMatchObject({ state: 'issued', originalNumber: invoice.number, title: UNIT.title, modifications: 1 })
    expect(done.number).not.toBe(invoice.number)
    expect(done.redNumber).toMatch(/^\d{20}$/)
    expect(new Set([done.number, done.redNumber, invoice.number]).size).toBe(3)
    const docs = await documentsOf(t.database.db, invoice.id)
    expect(docs.map((d) => [d.kind, d.state])).toEqual([['blue', 'issued'], ['red', 'issued'], ['blue', 'issued']])
    const redPdf = await pdfText((await invoiceJobDeps(t).provider.fetchDocument({ request: { idempotencyKey: docs[1]!.idempotencyKey, kind: 'red', seller: { name: 'S', taxpayerId: null }, buyer: { titleType: 'personal', name: '张三', taxpayerId: null, email: 'x@example.cn' }, item: { name: '培训费', taxCode: '3070201020000000000', taxRateBasisPoints: 600 }, amountFen: 9000, taxFen: 509, reverses: { number: invoice.number, issuedAt: new Date() }, requestedAt: new Date() }, providerRef: null, number: done.redNumber, issuedAt: new Date() })))
    expect(redPdf).toContain('红字')
    expect(redPdf).toContain(invoice.number)

    expect(done.modifyRefusal).toContain('只能修改1次')
    const second = await modify(learner, invoice.id, PERSONAL)
    expect(second.statusCode).toBe(409)
    expect(second.json().message).toContain('只能修改1次')
  })

  it('refuses on day 16', async () => {
    at('2025-03-01T02:00:00Z')
    const learner = await newLearner()
    const { invoice } = await issuedInvoice(learner, '2025-03-01T01:00:00Z')
    at('2025-03-16T16:00:00Z')
    const res = await modify(learner, invoice.id)
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toContain('15日内')
  })

  it('refuses across the year end even within 15 days', async () => {
    at('2025-12-30T02:00:00Z')
    const learner = await newLearner()
    const { invoice } = await issuedInvoice(learner, '2025-12-30T01:00:00Z')
    at('2025-12-31T15:59:59Z')
    expect((await t.app.inject({ method: 'GET', url: `/api/invoices/${invoice.id}`, headers: bearer(learner.accessToken) })).json().modifyRefusal).toBeNull()
    at('2025-12-31T16:00:00Z')
    const res = await modify(learner, invoice.id)
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toBe('发票跨年不可修改')
  })
})

describe('「立即申请」 at the order and a group order', () => {
  it('issues the invoice chosen at the order once the order is paid, for a group order too', async () => {
    at('2025-06-01T02:00:00Z')
    const buyer = await newLearner()
    const now = { choice: 'now' as const, ...UNIT }
    const single = await paidOrder(t.database.db, buyer.userId, projectId, new Date('2025-06-01T01:00:00Z'), { invoice: now })
    const group = await paidOrder(t.database.db, buyer.userId, projectId, new Date('2025-06-01T01:00:00Z'), { kind: 'group', quantity: 3, invoice: now })
    await runJob()
    await runJob()
    for (const order of [single, group]) {
      const invoice = await invoiceOfOrder(t.database.db, order.id)
      expect(invoice).toMatchObject({ state: 'issued', amountFen: order.amountFen, title: UNIT.title })
    }
    expect((await invoiceOfOrder(t.database.db, group.id))?.amountFen).toBe(single.amountFen * 3)
  })
})
