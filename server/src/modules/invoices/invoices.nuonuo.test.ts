import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { firstProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { DEVELOPMENT_INVOICE_CONFIG, type InvoiceConfig } from '../../config.ts'
import { createNuonuoProvider } from '../../integrations/invoice/nuonuo.ts'
import { startNuonuoStandIn, STAND_IN_APP_KEY, STAND_IN_APP_SECRET, type NuonuoStandIn } from '../../../test/nuonuo-stand-in-helpers.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder, paidOrder } from '../../../test/invoices-helpers.ts'

// The 诺诺 adapter (INV-4) driven by the invoice job against a local stand-in of Nuonuo's API:
// signed requests, asynchronous results, failures, lost answers and callbacks, and never a second
// invoice for one application.

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

function jobDeps() {
  const config = nuonuoConfig()
  const provider = createNuonuoProvider(
    { ...(config.nuonuo as NonNullable<InvoiceConfig['nuonuo']>), sellerName: config.sellerName, sellerTaxpayerId: config.sellerTaxpayerId, callbackUrl: `${t.baseUrl}/api/invoice-callbacks/nuonuo` },
    { now: () => t.clock.now.getTime(), timeoutMs: 1500 },
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

const UNIT = { titleType: 'unit', title: '重庆某某建筑设计研究院有限公司', taxpayerId: '91110000802100433B', email: 'caiwu@example.cn' }

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
    })
    expect(sent.invoiceDetail[0]).toMatchObject({ goodsName: '培训费', goodsCode: '3070201020000000000', withTaxFlag: '1', taxRate: '0.06', taxIncludedAmount: '90.00', tax: '5.09', taxExcludedAmount: '84.91' })
    expect((await invoiceOfOrder(t.database.db, (await documentsOf(t.database.db, invoiceId))[0]!.invoiceId))?.state).toBeDefined()
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
    const { invoiceId, key } = await applied()
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
    await later(60, deps)
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
    expect((await invoiceOfOrder(t.database.db, doc!.invoiceId))).toMatchObject({ state: 'issued', number: issued.number })
    expect(blueRequests(key).length).toBeGreaterThanOrEqual(2)
    expect([...standIn.invoices.values()].filter((i) => i.orderNo === key)).toHaveLength(1)
    expect(await documentsOf(t.database.db, invoiceId)).toHaveLength(1)
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
  async function callback(content: object) {
    return t.app.inject({
      method: 'POST',
      url: '/api/invoice-callbacks/nuonuo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ operater: 'callback', content: JSON.stringify(content) }).toString(),
    })
  }

  it('applies a callback that comes before the job polls, by asking Nuonuo', async () => {
    const { order, key } = await applied()
    await later(0)
    const issued = standIn.finish(key)
    const res = await callback({ c_orderno: key, c_status: '2', c_fphm: issued.number })
    expect(res.statusCode).toBe(200)
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
    const res = await callback({ c_orderno: key, c_status: '2', c_fphm: issued.number })
    expect(res.statusCode).toBe(200)
    expect(await invoiceOfOrder(t.database.db, order.id)).toEqual(before)
    expect(await documentsOf(t.database.db, invoiceId)).toHaveLength(1)
  })

  it('does not take a callback’s word for it: a forged "issued" for an invoice still in progress changes nothing', async () => {
    const { order, key } = await applied()
    await later(0)
    const res = await callback({ c_orderno: key, c_status: '2', c_fphm: '99999999999999999999' })
    expect(res.statusCode).toBe(200)
    expect(await invoiceOfOrder(t.database.db, order.id)).toMatchObject({ state: 'requested', number: null })
    expect((await callback({ nothing: true })).statusCode).toBe(400)
  })
})
