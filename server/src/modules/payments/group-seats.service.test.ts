import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { bearer } from '../../../test/auth-helpers.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { confirmInCashier, createGroupOrder, insertLearners, preparePay } from '../../../test/group-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { newBuyer, waitFor, type Buyer } from '../../../test/wechat-helpers.ts'
import { enrollments, groupRefundDues, orders, refunds } from '../../db/schema.ts'
import { createWechatPayClient } from '../../integrations/wechat/pay/client.ts'
import type { PaymentDeps } from './payments.service.ts'
import { reconcilePendingOrders } from './reconciliation.job.ts'

// 团体购买 without squatting: a pending group order reserves nothing; at payment, seats of learners
// who bought for themselves meanwhile are dropped (before the prepay / the transfer instruction) or,
// when the money still arrives for them, refunded. Races run as real parallel HTTP requests (on
// PostgreSQL when TEST_DATABASE_URL is set).

let t: TestApp
let projectId: number
let priceFen: number
beforeAll(async () => {
  ({ t, projectId, priceFen } = await buildTestAppWithProject())
})
afterAll(async () => t.close())

const db = () => t.database.db

async function orderRow(id: number) {
  const [row] = await db().select().from(orders).where(eq(orders.id, id))
  return row!
}

async function activeEnrolments(userId: number) {
  return db().select().from(enrollments).where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId), eq(enrollments.status, 'active')))
}

const learnersPage = async (buyer: Buyer, orderId: number) =>
  (await t.app.inject({ method: 'GET', url: `/api/group-orders/${orderId}/learners`, headers: bearer(buyer.token) })).json()
const groupDetail = async (buyer: Buyer, orderId: number) => (await t.app.inject({ method: 'GET', url: `/api/group-orders/${orderId}`, headers: bearer(buyer.token) })).json()

/** The learner's own 个人购买, created over real HTTP: the order id, or the refusal's code. */
async function buyForSelf(learner: Buyer): Promise<{ id?: number; code?: string }> {
  const res = await fetch(`${t.baseUrl}/api/orders`, {
    method: 'POST',
    headers: { ...bearer(learner.token), 'content-type': 'application/json' },
    body: JSON.stringify({ projectId, invoice: { choice: 'later' } }),
  })
  const body = (await res.json()) as { id?: number; code?: string }
  return res.status === 201 ? { id: body.id } : { code: body.code }
}

async function payForSelf(learner: Buyer, orderId: number): Promise<void> {
  expect(await confirmInCashier(t, (await preparePay(t, learner.token, orderId)).payParams)).toBe('get_brand_wcpay_request:ok')
  await waitFor(() => orderRow(orderId), (o) => o.status === 'paid')
}

/** What the learner's place was charged, net of refunds (each seat owed back is refunded): their own paid orders plus their seat in the group order. */
async function chargedFor(learner: Buyer, groupOrderId: number): Promise<number> {
  const own = await db().select().from(orders).where(and(eq(orders.buyerUserId, learner.userId), eq(orders.kind, 'individual'), eq(orders.status, 'paid')))
  const group = await orderRow(groupOrderId)
  const [due] = await db().select().from(groupRefundDues).where(and(eq(groupRefundDues.orderId, groupOrderId), eq(groupRefundDues.learnerUserId, learner.userId)))
  const seatCharged = group.status === 'paid' && !due ? 1 : 0
  return own.length + seatCharged
}

async function newGroupOrder(listed: string[]) {
  const buyer = await newBuyer(t)
  const order = await createGroupOrder(t, buyer.token, projectId, listed)
  return { buyer, order }
}

describe('before payment: learners who bought for themselves are taken off the order', () => {
  it('「微信支付」 re-prices the order; a trade already started at the old amount is closed and can no longer be paid', async () => {
    const [a, b, c] = await insertLearners(db(), 3)
    const { buyer, order } = await newGroupOrder([a!.idNumber, b!.idNumber, c!.idNumber])
    const first = await preparePay(t, buyer.token, order.id)
    expect(first.order.amountFen).toBe(3 * priceFen)
    // Learner a buys the plan for themself while the unit has the cashier open.
    await enrol(db(), a!.id, projectId)
    const second = await preparePay(t, buyer.token, order.id)
    expect(second.order).toMatchObject({ amountFen: 2 * priceFen })
    expect(second.order.outTradeNo).not.toBe(first.order.outTradeNo)
    // The old trade (3 seats) is closed at WeChat: paying it now fails.
    expect(await confirmInCashier(t, first.payParams)).not.toBe('get_brand_wcpay_request:ok')
    expect(await confirmInCashier(t, second.payParams)).toBe('get_brand_wcpay_request:ok')
    await waitFor(() => orderRow(order.id), (o) => o.status === 'paid')
    const after = await orderRow(order.id)
    expect(after).toMatchObject({ quantity: 2, amountFen: 2 * priceFen, refundedFen: 0 })
    // a: one enrolment (their own), not charged by the unit; b and c enrolled by the unit's order.
    expect((await activeEnrolments(a!.id)).map((e) => e.orderId)).not.toContain(order.id)
    expect(await activeEnrolments(a!.id)).toHaveLength(1)
    expect((await activeEnrolments(b!.id)).map((e) => e.orderId)).toEqual([order.id])
    const page = await learnersPage(buyer, order.id)
    expect(page.learners.map((l: { state: string }) => l.state)).toEqual(['dropped', 'enrolled', 'enrolled'])
    expect(page.learners[0]).toMatchObject({ realName: '张小明', percent: null })
    expect(await groupDetail(buyer, order.id)).toMatchObject({ learnerCount: 2, droppedCount: 1, enrolledCount: 2, refund: null })
    expect(await db().select().from(groupRefundDues).where(eq(groupRefundDues.orderId, order.id))).toEqual([])
  }, 120_000)

  it('the 对公转账 instruction shows the re-priced amount; a transfer of the earlier amount is accepted and the difference recorded for staff', async () => {
    const [a, b, c] = await insertLearners(db(), 3)
    const { buyer, order } = await newGroupOrder([a!.idNumber, b!.idNumber, c!.idNumber])
    expect((await groupDetail(buyer, order.id)).transfer.amountFen).toBe(3 * priceFen)
    await enrol(db(), a!.id, projectId)
    const detail = await groupDetail(buyer, order.id)
    expect(detail).toMatchObject({ learnerCount: 2, droppedCount: 1, transfer: { amountFen: 2 * priceFen } })
    // The unit had already sent the amount it saw first.
    const staff = await signInNewStaff(t.app, db(), 'finance')
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/staff/group-orders/transfers/confirm',
      headers: bearer(staff.token),
      payload: { reference: detail.transfer.reference, amountFen: 3 * priceFen, bankSerial: `B-REPRICE-${order.id}` },
    })
    expect(confirmed.json()).toMatchObject({ outcome: 'paid', status: 'paid', refundDueFen: priceFen })
    expect(await groupDetail(buyer, order.id)).toMatchObject({ enrolledCount: 2, refund: { amountFen: priceFen, returnedFen: 0, by: 'staff' } })
    expect(await activeEnrolments(a!.id)).toHaveLength(1)
    // More than every listed seat, or not whole seats: refused.
    const [d] = await insertLearners(db(), 1)
    const other = await newGroupOrder([d!.idNumber])
    const otherTransfer = (await groupDetail(other.buyer, other.order.id)).transfer
    for (const amountFen of [2 * priceFen, priceFen + 1]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/staff/group-orders/transfers/confirm',
        headers: bearer(staff.token),
        payload: { reference: otherTransfer.reference, amountFen, bankSerial: `B-WRONG-${amountFen}` },
      })
      expect(res.json().code).toBe('TRANSFER_MISMATCH')
    }
  }, 120_000)
})

describe('the learner pays for themself while the group order is paid (parallel requests)', () => {
  it('WeChat Pay: one enrolment, the seat refunded automatically through WeChat Pay, shown in 团购订单', async () => {
    for (let round = 0; round < 3; round++) {
      const learner = await newBuyer(t)
      const others = await insertLearners(db(), 2)
      const { buyer, order } = await newGroupOrder([learner.idNumber, ...others.map((o) => o.idNumber)])
      const groupPay = await preparePay(t, buyer.token, order.id)
      expect(groupPay.order.amountFen).toBe(3 * priceFen)
      // The learner's own order exists and both cashiers are confirmed at the same moment.
      const own = await buyForSelf(learner)
      expect(own.id).toBeDefined()
      const ownPay = await preparePay(t, learner.token, own.id!)
      const [ownAnswer, groupAnswer] = await Promise.all([confirmInCashier(t, ownPay.payParams), confirmInCashier(t, groupPay.payParams)])
      expect([ownAnswer, groupAnswer]).toEqual(['get_brand_wcpay_request:ok', 'get_brand_wcpay_request:ok'])
      await waitFor(() => orderRow(own.id!), (o) => o.status === 'paid')
      await waitFor(() => orderRow(order.id), (o) => o.status === 'paid' && o.refundedFen === priceFen)

      const enrolled = await activeEnrolments(learner.userId)
      expect(enrolled.map((e) => e.orderId)).toEqual([own.id])
      const [due] = await db().select().from(groupRefundDues).where(eq(groupRefundDues.orderId, order.id))
      expect(due).toMatchObject({ learnerUserId: learner.userId, amountFen: priceFen, refundedAt: expect.any(Date) })
      const refundRows = await db().select().from(refunds).where(eq(refunds.orderId, order.id))
      expect(refundRows).toEqual([expect.objectContaining({ amountFen: priceFen, status: 'succeeded' })])
      for (const o of others) expect((await activeEnrolments(o.id)).map((e) => e.orderId)).toEqual([order.id])
      expect((await learnersPage(buyer, order.id)).learners[0]).toMatchObject({ state: 'refunded', percent: null })
      expect(await groupDetail(buyer, order.id)).toMatchObject({ order: { status: 'paid', refundedFen: priceFen }, refund: { seats: 1, amountFen: priceFen, returnedFen: priceFen, by: 'wechat_pay' } })
      expect(await orderRow(own.id!)).toMatchObject({ status: 'paid', refundedFen: 0 })
    }
  }, 240_000)

  it('the learner orders at the very moment the group payment lands: whichever wins, one enrolment and one charge', async () => {
    for (let round = 0; round < 4; round++) {
      const learner = await newBuyer(t)
      const [other] = await insertLearners(db(), 1)
      const { buyer, order } = await newGroupOrder([learner.idNumber, other!.idNumber])
      const groupPay = await preparePay(t, buyer.token, order.id)
      const [own, groupAnswer] = await Promise.all([buyForSelf(learner), confirmInCashier(t, groupPay.payParams)])
      expect(groupAnswer).toBe('get_brand_wcpay_request:ok')
      await waitFor(() => orderRow(order.id), (o) => o.status === 'paid')
      if (own.id !== undefined) {
        // The learner's order came first: they pay it, and the unit's seat for them is refunded.
        await payForSelf(learner, own.id)
        await waitFor(() => orderRow(order.id), (o) => o.refundedFen === priceFen)
      } else {
        // The unit's payment came first: the learner is told they own the plan.
        expect(own.code).toBe('PROJECT_ALREADY_OWNED')
      }
      expect(await activeEnrolments(learner.userId)).toHaveLength(1)
      expect(await chargedFor(learner, order.id)).toBe(1)
      expect(await activeEnrolments(other!.id)).toHaveLength(1)
    }
  }, 240_000)

  it('对公转账 confirmed while the learner pays for themself: one enrolment, the seat recorded for staff to return', async () => {
    const staff = await signInNewStaff(t.app, db(), 'finance')
    for (let round = 0; round < 3; round++) {
      const learner = await newBuyer(t)
      const others = await insertLearners(db(), 2)
      const { buyer, order } = await newGroupOrder([learner.idNumber, ...others.map((o) => o.idNumber)])
      const transfer = (await groupDetail(buyer, order.id)).transfer
      const own = await buyForSelf(learner)
      const ownPay = await preparePay(t, learner.token, own.id!)
      const [ownAnswer, confirmed] = await Promise.all([
        confirmInCashier(t, ownPay.payParams),
        fetch(`${t.baseUrl}/api/staff/group-orders/transfers/confirm`, {
          method: 'POST',
          headers: { ...bearer(staff.token), 'content-type': 'application/json' },
          body: JSON.stringify({ reference: transfer.reference, amountFen: 3 * priceFen, bankSerial: `B-RACE-${order.id}` }),
        }).then((r) => r.json() as Promise<{ outcome: string; refundDueFen: number }>),
      ])
      expect(ownAnswer).toBe('get_brand_wcpay_request:ok')
      expect(confirmed).toMatchObject({ outcome: 'paid', refundDueFen: priceFen })
      await waitFor(() => orderRow(own.id!), (o) => o.status === 'paid')
      expect((await activeEnrolments(learner.userId)).map((e) => e.orderId)).toEqual([own.id])
      for (const o of others) expect((await activeEnrolments(o.id)).map((e) => e.orderId)).toEqual([order.id])
      expect(await groupDetail(buyer, order.id)).toMatchObject({ enrolledCount: 2, refund: { seats: 1, amountFen: priceFen, returnedFen: 0, by: 'staff' } })
      expect((await learnersPage(buyer, order.id)).learners[0]).toMatchObject({ state: 'refund_due' })
    }
  }, 240_000)
})

describe('a seat refund that WeChat Pay did not accept', () => {
  it('is sent again by the reconciliation pass, with the same out_refund_no, and refunds the seat once', async () => {
    const deps: PaymentDeps = {
      db: db(),
      wechat: t.wechat,
      pay: createWechatPayClient(t.wechat, { now: () => t.clock.now.getTime() }),
      publicBaseUrl: t.baseUrl,
      log: { info() {}, warn() {}, error() {} },
    }
    const [a, b] = await insertLearners(db(), 2)
    const { buyer, order } = await newGroupOrder([a!.idNumber, b!.idNumber])
    const { payParams } = await preparePay(t, buyer.token, order.id)
    // a buys the plan for themself after the unit opened the cashier; WeChat Pay's API then fails.
    await enrol(db(), a!.id, projectId)
    t.simulator.faults.set('serverError', true, { target: 'response', sticky: true })
    try {
      expect(await confirmInCashier(t, payParams)).toBe('get_brand_wcpay_request:ok')
      await waitFor(() => orderRow(order.id), (o) => o.status === 'paid')
      const [pending] = await waitFor(
        () => db().select().from(refunds).where(eq(refunds.orderId, order.id)),
        (rows) => rows.length === 1,
      )
      expect(pending).toMatchObject({ amountFen: priceFen, status: 'requested' })
    } finally {
      t.simulator.faults.clear()
    }
    await reconcilePendingOrders(deps, t.clock.now)
    await waitFor(() => orderRow(order.id), (o) => o.refundedFen === priceFen)
    const rows = await db().select().from(refunds).where(eq(refunds.orderId, order.id))
    expect(rows).toEqual([expect.objectContaining({ amountFen: priceFen, status: 'succeeded' })])
    // A second pass finds nothing left to refund.
    await reconcilePendingOrders(deps, t.clock.now)
    expect(await db().select().from(refunds).where(eq(refunds.orderId, order.id))).toHaveLength(1)
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', refundedFen: priceFen })
    expect(await activeEnrolments(b!.id)).toHaveLength(1)
  }, 120_000)
})
