import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { firstProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { DEVELOPMENT_INVOICE_CONFIG, type InvoiceConfig } from './invoices.config.ts'
import { createNuonuoProvider } from '../../integrations/invoice/nuonuo.ts'
import { startNuonuoStandIn, STAND_IN_APP_KEY, STAND_IN_APP_SECRET, type NuonuoStandIn } from '../../../test/nuonuo-stand-in-helpers.ts'
import { orders, providerAccessTokens } from '../../db/schema.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'
import { createInvoiceProvider } from './invoices.module.ts'
import { reverseForRefund } from './invoices.service.ts'
import { databaseTokenStore } from './provider-token.adapter.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder, paidOrder, UNIT } from '../../../test/invoices-helpers.ts'

// The 诺诺 adapter (INV-4) driven by the invoice job against a local stand-in of Nuonuo's API
// (built from Nuonuo's published field tables, docs/invoices.md): signed requests, asynchronous
// results, failures, lost answers, callbacks, red-letter invoices (红字确认单 and fast red), the
// natural-person flag, one access token for the deployment, and never a second invoice for one
// application.

let standIn: NuonuoStandIn
let t: TestApp
let projectId: number
let learner: Registered

function nuonuoConfig(): InvoiceConfig {
  return {
    ...DEVELOPMENT_INVOICE_CONFIG,
    provider: 'nuonuo',
    sellerName: '重庆市某某继续教育培训中心',
    sellerTaxpayerId: '91110000802100433B',
    nuonuo: {
      appKey: STAND_IN_APP_KEY,
      appSecret: STAND_IN_APP_SECRET,
      apiUrl: `${standIn.baseUrl}/open/v1/services`,
      tokenUrl: `${standIn.baseUrl}/accessToken`,
      sellerAddress: '重庆市渝北区某某路1号',
      sellerPhone: '023-00000000',
      clerk: '财务',
      invoiceLine: 'pc',
    },
  }
}

/**
 * The job's dependencies with a Nuonuo client. Its time limit is generous (a loaded CI machine once
 * took the stand-in past 1.5 s, and an answer that merely arrives late must not read as lost);
 * the lost-answer step passes a short one, since it waits that long for nothing.
 */
function jobDeps(timeoutMs = 10_000) {
  const config = nuonuoConfig()
  const provider = createNuonuoProvider(
    { ...(config.nuonuo as NonNullable<InvoiceConfig['nuonuo']>), sellerName: config.sellerName, sellerTaxpayerId: config.sellerTaxpayerId, callbackUrl: `${t.baseUrl}/api/invoice-callbacks/nuonuo` },
    // The token store the server uses: one token in the database for every instance.
    { now: () => t.clock.now.getTime(), timeoutMs, tokenStore: databaseTokenStore(t.database.db, 'nuonuo', () => t.clock.now) },
  )
  return invoiceJobDeps(t, provider)
}

beforeAll(async () => {
  standIn = await startNuonuoStandIn()
  t = await buildTestApp({ config: { publicBaseUrl: 'http://127.0.0.1', invoice: nuonuoConfig() } })
  projectId = (await firstProject(t)).id
  learner = await registerLearner(t.app)
})
afterEach(() => {
  standIn.failNext(0)
  standIn.loseAnswers(0)
})
afterAll(async () => {
  await t.close()
  await standIn.close()
})

async function applied() {
  const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
  const res = await t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(learner.accessToken), payload: { orderId: order.id, ...UNIT } })
  expect(res.statusCode, res.body).toBe(201)
  const invoice = await invoiceOfOrder(t.database.db, order.id)
  const [doc] = await documentsOf(t.database.db, invoice!.id)
  return { order, invoiceId: invoice!.id, key: doc!.idempotencyKey }
}

async function later(seconds: number, deps = jobDeps()) {
  t.clock.advance(seconds * 1000)
  return runInvoiceJobOnce(deps)
}

function blueRequests(key: string) {
  return standIn.requests.filter((r) => r.headers.method === 'nuonuo.OpeMplatform.requestBillingNew' && r.body.includes(`"orderNo":"${key}"`))
}

describe('issuing through Nuonuo', () => {
  it('sends a signed requestBillingNew, polls until done, and serves Nuonuo’s PDF', async () => {
    const { invoiceId, key } = await applied()
    const deps = jobDeps()
    const tokensBefore = standIn.stats.tokenRequests
    await later(0, deps)
    expect(standIn.stats.badSignatures).toBe(0)
    const sent = JSON.parse(blueRequests(key)[0]!.body).order
    expect(sent).toMatchObject({
      orderNo: key,
      buyerName: UNIT.title,
      buyerTaxNum: UNIT.taxpayerId,
      salerTaxNum: '91110000802100433B',
      invoiceType: '1',
      invoiceLine: 'pc',
      pushMode: '-1',
      callBackUrl: `${t.baseUrl}/api/invoice-callbacks/nuonuo`,
      // A unit is not a natural person.
      naturalPersonFlag: '0',
    })
    expect(sent.invoiceDetail[0]).toMatchObject({ goodsName: '培训费', goodsCode: '3070201020000000000', withTaxFlag: '1', taxRate: '0.06', taxIncludedAmount: '90.00', tax: '5.09', taxExcludedAmount: '84.91' })
    expect((await documentsOf(t.database.db, invoiceId))[0]).toMatchObject({ state: 'submitted', providerRef: `SN${key}` })

    await later(5, deps)
    expect((await documentsOf(t.database.db, invoiceId))[0]?.state).toBe('submitted')
    const done = standIn.finish(key)
    await later(30, deps)
    // One access token for every call (Nuonuo limits how often one may be fetched).
    expect(standIn.stats.tokenRequests - tokensBefore).toBe(1)
    const view = (await t.app.inject({ method: 'GET', url: `/api/invoices/${invoiceId}`, headers: bearer(learner.accessToken) })).json()
    expect(view).toMatchObject({ state: 'issued', number: done.number })
    const pdf = await t.app.inject({ method: 'GET', url: view.pdfUrl })
    expect(pdf.statusCode).toBe(200)
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('retries after Nuonuo fails, and after an answer is lost, without a second invoice', async () => {
    const { order, invoiceId, key } = await applied()
    standIn.failNext(2)
    const deps = jobDeps()
    await later(0, deps)
    let [doc] = await documentsOf(t.database.db, invoiceId)
    expect(doc).toMatchObject({ state: 'pending' })
    expect(doc?.lastError).toContain('HTTP 500')
    await later(10, deps)
    ;[doc] = await documentsOf(t.database.db, invoiceId)
    expect(doc).toMatchObject({ state: 'pending', attempts: 2 })
    expect(deps.logged.join('\n')).not.toContain(UNIT.title)

    // The request reaches Nuonuo, which issues, but its answer never comes back (a timeout).
    standIn.loseAnswers(1)
    await later(60, jobDeps(1500))
    ;[doc] = await documentsOf(t.database.db, invoiceId)
    expect(doc).toMatchObject({ state: 'pending' })
    expect(doc?.lastError).toContain('did not answer in time')
    expect(standIn.invoices.has(key)).toBe(true)

    // The retry sends the same orderNo; Nuonuo refuses the duplicate, which means "already accepted".
    await later(60, deps)
    ;[doc] = await documentsOf(t.database.db, invoiceId)
    expect(doc?.state).toBe('submitted')
    const issued = standIn.finish(key)
    await later(60, deps)
    // The job's own warnings say why, should a look-up have failed here.
    expect(await invoiceOfOrder(t.database.db, order.id), deps.logged.join('\n')).toMatchObject({ state: 'issued', number: issued.number })
    expect(blueRequests(key).length).toBeGreaterThanOrEqual(2)
    expect([...standIn.invoices.values()].filter((i) => i.orderNo === key)).toHaveLength(1)
    expect(await documentsOf(t.database.db, invoiceId)).toHaveLength(1)
  })

  it('an unreachable Nuonuo is tried again later, and the document says which socket error it met', async () => {
    const { order, invoiceId, key } = await applied()
    // A port nothing listens on: the connection is refused.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const config = nuonuoConfig().nuonuo as NonNullable<InvoiceConfig['nuonuo']>
    const nowhere = createNuonuoProvider(
      { ...config, apiUrl: `http://127.0.0.1:${port}/open/v1/services`, tokenUrl: `http://127.0.0.1:${port}/accessToken`, sellerName: '重庆市某某继续教育培训中心', sellerTaxpayerId: '91110000802100433B', callbackUrl: `${t.baseUrl}/api/invoice-callbacks/nuonuo` },
      { now: () => t.clock.now.getTime(), tokenStore: databaseTokenStore(t.database.db, 'nuonuo', () => t.clock.now) },
    )
    await later(0, invoiceJobDeps(t, nowhere))
    const [doc] = await documentsOf(t.database.db, invoiceId)
    expect(doc).toMatchObject({ state: 'pending', lastError: 'Nuonuo unreachable (ECONNREFUSED)' })
    expect(standIn.invoices.has(key)).toBe(false)
    // Back: the same order number goes out and is issued once.
    await later(60)
    const issued = standIn.finish(key)
    await later(60)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'issued', number: issued.number })
  })

  it('shows Nuonuo’s reason when it refuses, and a new application gets a new order number', async () => {
    const { order, invoiceId, key } = await applied()
    await later(0)
    standIn.finish(key, { failCause: '购方名称与税号不匹配' })
    await later(30)
    const view = (await t.app.inject({ method: 'GET', url: `/api/invoices/${invoiceId}`, headers: bearer(learner.accessToken) })).json()
    expect(view).toMatchObject({ state: 'failed', failReason: '购方名称与税号不匹配' })
    const again = await t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(learner.accessToken), payload: { orderId: order.id, ...UNIT, title: '重庆某某建筑设计研究院' } })
    expect(again.statusCode, again.body).toBe(201)
    await later(0)
    const docs = await documentsOf(t.database.db, invoiceId)
    expect(docs.map((d) => d.state)).toEqual(['failed', 'submitted'])
    expect(docs[1]?.idempotencyKey).not.toBe(key)
  })
})

describe('Nuonuo callbacks', () => {
  async function forged(content: object) {
    return t.app.inject({
      method: 'POST',
      url: '/api/invoice-callbacks/nuonuo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ operater: 'callback', orderno: String((content as { c_orderno?: string }).c_orderno ?? ''), content: JSON.stringify(content) }).toString(),
    })
  }

  it('applies Nuonuo’s callback (its form: operater, orderno, content) that comes before the job polls, by asking Nuonuo', async () => {
    const { order, key } = await applied()
    await later(0)
    const issued = standIn.finish(key)
    const queries = standIn.calls['nuonuo.OpeMplatform.queryInvoiceResult'] ?? 0
    expect(await standIn.sendCallback(key)).toBe(200)
    // The callback's content is not taken on trust: the app asked Nuonuo itself.
    expect(standIn.calls['nuonuo.OpeMplatform.queryInvoiceResult']).toBe(queries + 1)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'issued', number: issued.number })
    await later(30)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'issued', number: issued.number })
  })

  it('ignores a callback after the job already applied the result', async () => {
    const { order, invoiceId, key } = await applied()
    await later(0)
    const issued = standIn.finish(key)
    await later(30)
    const before = await invoiceOfOrder(t.database.db, order.id)
    expect(before).toMatchObject({ number: issued.number })
    expect(await standIn.sendCallback(key)).toBe(200)
    expect(await invoiceOfOrder(t.database.db, order.id)).toEqual(before)
    expect(await documentsOf(t.database.db, invoiceId)).toHaveLength(1)
  })

  it('does not take a callback’s word for it: a forged "issued" for an invoice still in progress changes nothing', async () => {
    const { order, key } = await applied()
    await later(0)
    const res = await forged({ c_orderno: key, c_status: '1', c_fphm: '99999999999999999999' })
    expect(res.statusCode).toBe(200)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'requested', number: null })
    expect((await forged({ nothing: true })).statusCode).toBe(400)
  })
})

describe('personal titles', () => {
  it('sends naturalPersonFlag 1 for a personal title on a 数电普票', async () => {
    const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
    const res = await t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(learner.accessToken), payload: { orderId: order.id, titleType: 'personal', title: '王五', email: 'wangwu@example.cn' } })
    expect(res.statusCode, res.body).toBe(201)
    const [doc] = await documentsOf(t.database.db, res.json().id)
    await later(0)
    const sent = JSON.parse(blueRequests(doc!.idempotencyKey)[0]!.body).order
    expect(sent).toMatchObject({ buyerName: '王五', buyerTaxNum: '', naturalPersonFlag: '1' })
  })
})

describe('red-letter invoices through Nuonuo (红字确认单)', () => {
  // Within the 15-day modification window of the stand-in's date of issue (1 June 2025).
  beforeEach(() => {
    t.clock.now = new Date('2025-06-02T02:00:00Z')
  })

  async function issuedThroughNuonuo() {
    const { order, invoiceId, key } = await applied()
    await later(0)
    const blue = standIn.finish(key)
    await later(30)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'issued', number: blue.number })
    return { order, invoiceId, blueNumber: blue.number! }
  }

  async function refund(orderId: number) {
    await t.database.db.update(orders).set({ status: 'refunded', refundedFen: 9000 }).where(eq(orders.id, orderId))
    expect(await reverseForRefund(jobDeps(), orderId)).toBe(true)
  }

  async function redDocument(invoiceId: number) {
    const red = (await documentsOf(t.database.db, invoiceId)).find((d) => d.kind === 'red')
    expect(red).toBeDefined()
    return red!
  }

  it('a refund asks for a 红字确认单 (销货退回) whose red invoice is issued under our key', async () => {
    const { order, invoiceId, blueNumber } = await issuedThroughNuonuo()
    await refund(order.id)
    const red = await redDocument(invoiceId)
    await later(0)
    const form = standIn.redForms.get(red.idempotencyKey)
    expect(form?.body).toMatchObject({
      billId: red.idempotencyKey,
      orderNo: red.idempotencyKey,
      blueInvoiceLine: 'pc',
      applySource: '0',
      blueElecInvoiceNumber: blueNumber,
      sellerTaxNo: '91110000802100433B',
      buyerName: UNIT.title,
      buyerTaxNo: UNIT.taxpayerId,
      redReason: '1',
      callbackUrl: `${t.baseUrl}/api/invoice-callbacks/nuonuo`,
    })
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'reversing' })
    const redInvoice = standIn.finish(red.idempotencyKey)
    await later(30)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'reversed', number: blueNumber, redNumber: redInvoice.number })
  })

  it('修改发票 asks with 开票有误, and the new blue invoice follows the red one; Nuonuo’s callback for the red one is applied', async () => {
    const { invoiceId, blueNumber } = await issuedThroughNuonuo()
    const res = await t.app.inject({ method: 'POST', url: `/api/invoices/${invoiceId}/modification`, headers: bearer(learner.accessToken), payload: { ...UNIT, title: '重庆某某建筑设计研究院' } })
    expect(res.statusCode, res.body).toBe(200)
    const red = await redDocument(invoiceId)
    await later(0)
    expect(standIn.redForms.get(red.idempotencyKey)?.body).toMatchObject({ redReason: '2', blueElecInvoiceNumber: blueNumber })
    const redInvoice = standIn.finish(red.idempotencyKey)
    expect(await standIn.sendCallback(red.idempotencyKey)).toBe(200)
    await later(30)
    const docs = await documentsOf(t.database.db, invoiceId)
    const newBlue = docs.find((d) => d.kind === 'blue' && d.idempotencyKey !== docs[0]!.idempotencyKey)!
    expect(newBlue.state).toBe('submitted')
    const reissued = standIn.finish(newBlue.idempotencyKey)
    await later(30)
    const view = (await t.app.inject({ method: 'GET', url: `/api/invoices/${invoiceId}`, headers: bearer(learner.accessToken) })).json()
    expect(view).toMatchObject({ state: 'issued', number: reissued.number, originalNumber: blueNumber, redNumber: redInvoice.number, title: '重庆某某建筑设计研究院' })
  })

  it('a confirmed form whose red invoice has not reached Nuonuo is fetched with fastInvoiceRed', async () => {
    const { order, invoiceId, blueNumber } = await issuedThroughNuonuo()
    standIn.holdRedInvoices = true
    try {
      await refund(order.id)
      const red = await redDocument(invoiceId)
      await later(0)
      // The form needs no confirmation, yet Nuonuo has no red invoice under our key: the poll asks
      // for it with fastInvoiceRed, which fetches the red invoice the bureau issued.
      const fast = standIn.requests.filter((r) => r.headers.method === 'nuonuo.OpeMplatform.fastInvoiceRed').map((r) => JSON.parse(r.body))
      expect(fast.at(-1)).toMatchObject({ orderNo: red.idempotencyKey, elecInvoiceNumber: blueNumber, billNo: `HZ${red.idempotencyKey}`, taxNum: '91110000802100433B', invoiceLine: 'pc' })
      const redInvoice = standIn.finish(red.idempotencyKey)
      await later(60)
      expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'reversed', redNumber: redInvoice.number })
    } finally {
      standIn.holdRedInvoices = false
    }
  })

  it('a refused 红字确认单 leaves the blue invoice in force and says why', async () => {
    const { order, invoiceId, blueNumber } = await issuedThroughNuonuo()
    standIn.redFormOutcome = { billStatus: '16', billMessage: '蓝字发票已全额冲红' }
    try {
      const res = await t.app.inject({ method: 'POST', url: `/api/invoices/${invoiceId}/modification`, headers: bearer(learner.accessToken), payload: UNIT })
      expect(res.statusCode, res.body).toBe(200)
      await later(0)
      await later(30)
      const view = (await t.app.inject({ method: 'GET', url: `/api/invoices/${invoiceId}`, headers: bearer(learner.accessToken) })).json()
      expect(view).toMatchObject({ state: 'issued', number: blueNumber })
      expect(view.failReason).toContain('蓝字发票已全额冲红')
      expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ modifications: 0 })
    } finally {
      standIn.redFormOutcome = { billStatus: '01', billMessage: '' }
    }
  })
})

describe('the access token', () => {
  it('is fetched once for two server instances on one database, kept across a restart, and renewed ahead of expiry once', async () => {
    const second = await buildTestApp({ database: t.database, config: { publicBaseUrl: 'http://127.0.0.1', invoice: nuonuoConfig() } })
    try {
      await t.database.db.delete(providerAccessTokens)
      const before = standIn.stats.tokenRequests
      const providerOf = (app: TestApp) =>
        createInvoiceProvider(nuonuoConfig(), `${app.baseUrl}/api/invoice-callbacks/nuonuo`, () => t.clock.now, app.database.db)
      const [a, b] = [providerOf(t), providerOf(second)]
      // Both instances need the token at the same moment, several times over.
      const asks = await Promise.all([a, b, a, b, a, b].map((p) => p.query('FPNOTHINGHERE0000001', null, 'blue')))
      expect(asks.every((r) => r.state === 'processing')).toBe(true)
      expect(standIn.stats.tokenRequests - before).toBe(1)
      expect(standIn.stats.badSignatures).toBe(0)

      // A restarted instance (a new provider) uses the stored token.
      await providerOf(second).query('FPNOTHINGHERE0000002', null, 'blue')
      expect(standIn.stats.tokenRequests - before).toBe(1)

      // 23.5 hours later the 24-hour token is within the renewal hour: one instance renews it.
      t.clock.advance(23.5 * 3600_000)
      await Promise.all([a, b, a, b].map((p) => p.query('FPNOTHINGHERE0000003', null, 'blue')))
      expect(standIn.stats.tokenRequests - before).toBe(2)
    } finally {
      await second.close()
    }
  })
})
