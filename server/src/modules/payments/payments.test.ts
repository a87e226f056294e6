import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { newBuyer, waitFor, type Buyer } from '../../../test/wechat-helpers.ts'
import { enrollments, orders } from '../../db/schema.ts'
import { createWechatPayClient } from '../../integrations/wechat/pay/client.ts'
import { preparePayment, type PaymentDeps } from './payments.service.ts'
import { reconcilePendingOrders } from './reconciliation.job.ts'
import { requestRefund } from './refunds.service.ts'

let t: TestApp
let projectId: number
let deps: PaymentDeps
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
  deps = { db: t.database.db, wechat: t.wechat, pay: createWechatPayClient(t.wechat, { now: () => t.clock.now.getTime() }), publicBaseUrl: t.baseUrl, log: { info() {}, warn() {}, error() {} } }
})
afterEach(() => t.simulator.faults.clear())
afterAll(async () => t.close())


async function createOrder(buyer: Buyer, invoice: object = { choice: 'later' }) {
  return t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(buyer.token), payload: { projectId, invoice } })
}

async function pay(buyer: Buyer, orderId: number) {
  return t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/pay`, headers: bearer(buyer.token) })
}

/** The simulated WeChat cashier: verifies paySign and pays (or cancels), as the WeChat client would. */
async function cashier(payParams: Record<string, string>, action: 'confirm' | 'cancel' | 'fail' = 'confirm') {
  return t.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', payload: { ...payParams, action } })
}

/** Reads the order straight from the database (no WeChat query), to see what notifications did. */
async function orderRow(id: number) {
  const [row] = await t.database.db.select().from(orders).where(eq(orders.id, id))
  return row
}

async function enrolmentCount(userId: number) {
  return (await t.database.db.select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId), eq(enrollments.status, 'active')))).length
}

async function paidThroughNotification(buyer: Buyer) {
  const order = (await createOrder(buyer)).json()
  const prepared = (await pay(buyer, order.id)).json()
  const paidAnswer = (await cashier(prepared.payParams)).json()
  expect(paidAnswer.err_msg, JSON.stringify(paidAnswer)).toBe('get_brand_wcpay_request:ok')
  return order.id as number
}

describe('individual purchase (PAY-1)', () => {
  it('creates a pending order priced from the database, with a 30-minute payment window', async () => {
    const buyer = await newBuyer(t)
    const res = await createOrder(buyer, { choice: 'now', titleType: 'personal', title: '张三', email: 'zhangsan@example.cn' })
    expect(res.statusCode).toBe(201)
    const order = res.json()
    expect(order).toMatchObject({ status: 'pending', quantity: 1, amountFen: 9000, unitPriceFen: 9000, invoiceChoice: 'now', kind: 'individual' })
    expect(new Date(order.expiresAt).getTime() - new Date(order.createdAt).getTime()).toBe(30 * 60_000)
    expect(order.outTradeNo).toMatch(/^[0-9A-Za-z_-]{6,32}$/)
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue', headers: bearer(buyer.token) })).json()
    expect(catalogue.categories[0].projects[0].state).toBe('pending_payment')
  })

  it('validates the invoice details of 「立即申请」', async () => {
    const buyer = await newBuyer(t)
    const res = await createOrder(buyer, { choice: 'now', titleType: 'unit', title: '重庆某某设计院', email: 'cw@example.cn' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'INVOICE_INVALID', message: '单位发票须填写纳税人识别号' })
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(buyer.token) })).json().orders).toHaveLength(0)
  })

  it('creates exactly one order when 「立即购买」 is submitted twice at the same moment', async () => {
    const buyer = await newBuyer(t)
    const results = await Promise.all([createOrder(buyer), createOrder(buyer), createOrder(buyer)])
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409])
    expect(results.find((r) => r.statusCode === 409)?.json().code).toBe('ORDER_ALREADY_PENDING')
    const rows = await t.database.db.select().from(orders).where(eq(orders.buyerUserId, buyer.userId))
    expect(rows).toHaveLength(1)
  })

  it('refuses to pay without a WeChat identity and never lets another learner see the order', async () => {
    const learner = await registerLearner(t.app)
    const token = learner.accessToken
    const order = (await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(token), payload: { projectId, invoice: { choice: 'later' } } })).json()
    const res = await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/pay`, headers: bearer(token) })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('WECHAT_OPENID_REQUIRED')
    const other = await newBuyer(t)
    expect((await t.app.inject({ method: 'GET', url: `/api/orders/${order.id}`, headers: bearer(other.token) })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel`, headers: bearer(other.token) })).statusCode).toBe(404)
  })
})

describe('WeChat Pay JSAPI and the notification (PAY-2, PAY-3)', () => {
  it('pays through the simulated cashier: the signed notification marks the order paid and enrols the learner', async () => {
    const buyer = await newBuyer(t)
    const orderId = await paidThroughNotification(buyer)
    const paid = await waitFor(() => orderRow(orderId), (o) => o?.status === 'paid')
    expect(paid?.transactionId).toBeTruthy()
    expect(await enrolmentCount(buyer.userId)).toBe(1)
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue', headers: bearer(buyer.token) })).json()
    expect(catalogue.categories[0].projects[0].state).toBe('studying')
    const again = await createOrder(buyer)
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('PROJECT_ALREADY_OWNED')
  })

  it('reuses the prepay id when the learner taps pay again', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    const first = (await pay(buyer, order.id)).json()
    const second = (await pay(buyer, order.id)).json()
    expect(second.payParams.package).toBe(first.payParams.package)
    expect(first.payParams.signType).toBe('RSA')
  })

  it('does not treat the page saying "ok" as payment: a cancelled cashier leaves the order pending', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    const prepared = (await pay(buyer, order.id)).json()
    expect((await cashier(prepared.payParams, 'cancel')).json().err_msg).toBe('get_brand_wcpay_request:cancel')
    const polled = await t.app.inject({ method: 'GET', url: `/api/orders/${order.id}`, headers: bearer(buyer.token) })
    expect(polled.json().status).toBe('pending')
    expect(await enrolmentCount(buyer.userId)).toBe(0)
  })

  it.each([
    ['duplicate', 4],
    ['probe', true],
    ['delayMs', 300],
  ] as const)('ends with one paid order and one enrolment under the %s fault', async (fault, value) => {
    t.simulator.faults.set(fault, value, { target: 'notification' })
    const buyer = await newBuyer(t)
    const orderId = await paidThroughNotification(buyer)
    await waitFor(() => orderRow(orderId), (o) => o?.status === 'paid')
    await new Promise((r) => setTimeout(r, 300))
    expect(await enrolmentCount(buyer.userId)).toBe(1)
  })

  it('handles notifications of two orders arriving out of order', async () => {
    t.simulator.faults.set('outOfOrder', 200, { target: 'notification' })
    const a = await newBuyer(t)
    const b = await newBuyer(t)
    const first = await paidThroughNotification(a)
    const second = await paidThroughNotification(b)
    await waitFor(() => Promise.all([orderRow(first), orderRow(second)]), (rows) => rows.every((r) => r?.status === 'paid'))
    expect([await enrolmentCount(a.userId), await enrolmentCount(b.userId)]).toEqual([1, 1])
  })

  it.each([['badSignature'], ['amountMismatch'], ['staleTimestamp']] as const)(
    'refuses a notification with %s and changes nothing, until reconciliation asks WeChat',
    async (fault) => {
      t.simulator.faults.set(fault, true, { target: 'notification', sticky: true })
      const buyer = await newBuyer(t)
      const orderId = await paidThroughNotification(buyer)
      const log = await waitFor(
        async () => (await t.app.inject({ method: 'GET', url: '/wx-sim/dev/notifications' })).json().deliveries as { status: number }[],
        (d) => d.some((x) => x.status >= 400),
      )
      expect(log.some((x) => x.status >= 400)).toBe(true)
      expect((await orderRow(orderId))?.status).toBe('pending')
      expect(await enrolmentCount(buyer.userId)).toBe(0)
      // A lost or refused notification still ends paid: reconciliation queries WeChat's signed answer.
      t.simulator.faults.clear()
      t.clock.advance(2 * 60_000)
      await reconcilePendingOrders(deps, t.clock.now)
      expect((await orderRow(orderId))?.status).toBe('paid')
      expect(await enrolmentCount(buyer.userId)).toBe(1)
    },
  )

  it('refuses a forged notification (not signed by WeChat Pay) with 4xx', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/payments/wechat/notify',
      headers: { 'content-type': 'application/json', 'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)), 'wechatpay-nonce': 'x', 'wechatpay-serial': t.secrets.wechatpayPublicKeyId, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc' },
      payload: JSON.stringify({ id: 'forged', event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource: {} }),
    })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ code: 'FAIL', message: '失败' })
  })

  it('retries prepay failures safely: a WeChat 500 answers 503 and the next attempt works', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    t.simulator.faults.set('serverError', true, { target: 'response', sticky: true })
    const failed = await pay(buyer, order.id)
    expect(failed.statusCode).toBe(503)
    expect(failed.json().code).toBe('PAYMENT_UNAVAILABLE')
    t.simulator.faults.clear()
    expect((await pay(buyer, order.id)).statusCode).toBe(200)
  })

  it('treats a prepay that times out as unknown: 503 now, and the identical retry succeeds', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    const impatient = { ...deps, pay: createWechatPayClient(t.wechat, { now: () => t.clock.now.getTime(), timeoutMs: 300 }) }
    t.simulator.faults.set('timeoutMs', 1_000, { target: 'response' })
    await expect(preparePayment(impatient, buyer.userId, order.id, t.clock.now)).rejects.toMatchObject({ code: 'PAYMENT_UNAVAILABLE' })
    const retried = await preparePayment(impatient, buyer.userId, order.id, t.clock.now)
    expect(retried.payParams.package).toMatch(/^prepay_id=/)
  })

  it('rejects an unsigned WeChat Pay answer as forged', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    // Sticky for this one call: a one-shot fault could be taken by a late answer of the test before
    // (its prepay timed out on our side while the simulator was still answering).
    t.simulator.faults.set('unsignedResponse', true, { target: 'response', sticky: true })
    expect((await pay(buyer, order.id)).statusCode).toBe(503)
  })
})

describe('expiry, cancellation and reconciliation (PAY-4, PAY-5)', () => {
  it('settles a paid order on the H5\'s poll even when no notification arrives', async () => {
    t.simulator.faults.set('badSignature', true, { target: 'notification', sticky: true })
    const buyer = await newBuyer(t)
    const orderId = await paidThroughNotification(buyer)
    const polled = await t.app.inject({ method: 'GET', url: `/api/orders/${orderId}`, headers: bearer(buyer.token) })
    expect(polled.json().status).toBe('paid')
    expect(await enrolmentCount(buyer.userId)).toBe(1)
  })

  it('closes an unpaid order after 30 minutes, at WeChat too, and frees the learner to order again', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    const prepared = (await pay(buyer, order.id)).json()
    t.clock.advance(31 * 60_000)
    await reconcilePendingOrders(deps, t.clock.now)
    const row = await orderRow(order.id)
    expect(row).toMatchObject({ status: 'closed', closeReason: 'expired' })
    const atWechat = await createWechatPayClient(t.wechat, { now: () => t.clock.now.getTime() }).queryByOutTradeNo(order.outTradeNo)
    expect(atWechat.trade_state).toBe('CLOSED')
    expect((await cashier(prepared.payParams)).statusCode).toBeGreaterThanOrEqual(400)
    expect((await createOrder(buyer)).statusCode).toBe(201)
  })

  it('cancels a pending order (取消), lists it as closed in 我的订单, and allows a new one', async () => {
    const buyer = await newBuyer(t)
    const order = (await createOrder(buyer)).json()
    await pay(buyer, order.id)
    const cancelled = await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel`, headers: bearer(buyer.token) })
    expect(cancelled.json().status).toBe('closed')
    const list = (await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(buyer.token) })).json()
    expect(list.orders.map((o: { status: string }) => o.status)).toEqual(['closed'])
    expect((await createOrder(buyer)).statusCode).toBe(201)
  })

  it('refunds by staff: the refund notification ends the enrolment and the order shows refunded', async () => {
    const buyer = await newBuyer(t)
    const orderId = await paidThroughNotification(buyer)
    await waitFor(() => orderRow(orderId), (o) => o?.status === 'paid')
    const row = await orderRow(orderId)
    await requestRefund(deps, { outTradeNo: row?.outTradeNo as string, reason: '学员申请退款', staff: 'test' }, t.clock.now)
    const refunded = await waitFor(() => orderRow(orderId), (o) => o?.status === 'refunded')
    expect(refunded?.refundedFen).toBe(9000)
    expect(await enrolmentCount(buyer.userId)).toBe(0)
    const list = (await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(buyer.token) })).json()
    expect(list.orders[0]).toMatchObject({ status: 'refunded', refundedFen: 9000 })
  })
})
