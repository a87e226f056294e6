import ExcelJS from 'exceljs'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { bearer } from '../../../test/auth-helpers.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { createGroupOrder, insertLearners } from '../../../test/group-helpers.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder } from '../../../test/invoices-helpers.ts'
import { signInNewStaff, type SignedInStaff } from '../../../test/staff-helpers.ts'
import { newBuyer, waitFor, type Buyer } from '../../../test/wechat-helpers.ts'
import { bulkRegisteredUsers, bulkRegistrations, enrollments, orders, refunds, staffAuditLog } from '../../db/schema.ts'
import { runInvoiceJobOnce } from '../invoices/invoices.job.ts'

// 订单与退款, 对公转账 and 团购订单 in the staff console (docs/staff.md). Race tests need PostgreSQL
// (TEST_DATABASE_URL); on PGlite they pass without proving anything about concurrency.

let t: TestApp
let projectId: number
let priceFen: number
let operator: SignedInStaff
let finance: SignedInStaff
let admin: SignedInStaff
beforeAll(async () => {
  ;({ t, projectId, priceFen } = await buildTestAppWithProject())
  operator = await signInNewStaff(t.app, t.database.db, 'operator')
  finance = await signInNewStaff(t.app, t.database.db, 'finance')
  admin = await signInNewStaff(t.app, t.database.db, 'admin')
})
afterEach(() => t.simulator.faults.clear())
afterAll(async () => t.close())

const get = (token: string | null, url: string) => t.app.inject({ method: 'GET', url: `/api/staff${url}`, headers: token ? bearer(token) : {} })
const post = (token: string, url: string, payload: Record<string, unknown> = {}) => t.app.inject({ method: 'POST', url: `/api/staff${url}`, headers: bearer(token), payload })
const orderRow = async (id: number) => (await t.database.db.select().from(orders).where(eq(orders.id, id)))[0]
const auditOf = (outTradeNo: string, action: string) =>
  t.database.db.select().from(staffAuditLog).where(and(eq(staffAuditLog.target, `order:${outTradeNo}`), eq(staffAuditLog.action, action)))

/** No answer may carry a full ID number or phone of these people. */
function expectMasked(body: string, ...people: { idNumber: string; phone?: string }[]) {
  for (const p of people) {
    expect(body).not.toContain(p.idNumber)
    if (p.phone) expect(body).not.toContain(p.phone)
  }
}

/** An individual order paid through the simulator's cashier (notifications settle it). */
async function paidIndividualOrder(buyer: Buyer) {
  const order = (await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(buyer.token), payload: { projectId, invoice: { choice: 'later' } } })).json()
  const prepared = (await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/pay`, headers: bearer(buyer.token) })).json()
  const paid = (await t.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', payload: { ...prepared.payParams, action: 'confirm' } })).json()
  expect(paid.err_msg).toBe('get_brand_wcpay_request:ok')
  await waitFor(() => orderRow(order.id), (o) => o?.status === 'paid')
  return order as { id: number; outTradeNo: string; amountFen: number }
}

describe('订单与退款: search (masked, paged)', () => {
  it('finds orders by phone, ID number, 订单号, state and Beijing dates; refuses without a staff token; no full number anywhere', async () => {
    const buyer = await newBuyer(t)
    const order = await paidIndividualOrder(buyer)
    const group = await createGroupOrder(t, buyer.token, projectId, (await insertLearners(t.database.db, 2)).map((l) => l.idNumber))

    expect((await get(null, '/orders')).json().code).toBe('STAFF_UNAUTHORIZED')
    expect((await get(buyer.token, '/orders')).statusCode).toBe(401)
    for (const staff of [operator, finance, admin]) {
      const byPhone = await get(staff.token, `/orders?by=phone&q=${buyer.phone}`)
      expect(byPhone.statusCode, byPhone.body).toBe(200)
      expect(byPhone.json()).toMatchObject({ total: 2, page: 1, pageSize: 20 })
      expectMasked(byPhone.body, buyer)
    }
    const byId = (await get(operator.token, `/orders?by=id_number&q=${buyer.idNumber}&pageSize=1`)).json()
    expect(byId).toMatchObject({ total: 2, pageSize: 1 })
    expect(byId.items).toHaveLength(1)
    // Newest first: the group order came second.
    expect(byId.items[0]).toMatchObject({ outTradeNo: group.outTradeNo, kind: 'group', status: 'pending' })
    const page2 = (await get(operator.token, `/orders?by=id_number&q=${buyer.idNumber}&pageSize=1&page=2`)).json()
    expect(page2.items[0]).toMatchObject({ outTradeNo: order.outTradeNo, kind: 'individual', status: 'paid', amountFen: priceFen, refundStatus: null })
    expect(page2.items[0].buyer).toMatchObject({ id: buyer.userId, phoneMasked: expect.stringMatching(/^\d{3}\*{4}\d{4}$/), idNumberMasked: expect.stringContaining('*') })
    expect(page2.items[0].buyer.realNameMasked).not.toBe(buyer.realName)

    const exact = (await get(operator.token, `/orders?outTradeNo=${order.outTradeNo}`)).json()
    expect(exact).toMatchObject({ total: 1, items: [{ id: order.id }] })
    expect((await get(operator.token, `/orders?userId=${buyer.userId}&status=pending`)).json()).toMatchObject({ total: 1, items: [{ id: group.id }] })
    const today = new Date(t.clock.now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    expect((await get(operator.token, `/orders?userId=${buyer.userId}&from=${today}&to=${today}`)).json().total).toBe(2)
    expect((await get(operator.token, `/orders?userId=${buyer.userId}&to=2020-01-01`)).json().total).toBe(0)
    expect((await get(operator.token, '/orders?by=phone&q=13900000000')).json()).toMatchObject({ total: 0, items: [] })
    expect((await get(operator.token, '/orders?pageSize=101')).statusCode).toBe(400)

    const detail = await get(operator.token, `/orders/${order.id}`)
    expect(detail.json()).toMatchObject({ payment: { via: 'wechat_pay', transactionId: expect.any(String) }, refunds: [], refundBlockedReason: null })
    expectMasked(detail.body, buyer)
  })
})

describe('订单与退款: refund (财务, 管理员)', () => {
  it('refunds once however often it is submitted, audited; 刷新状态 settles it and the issued invoice is red-lettered', async () => {
    const buyer = await newBuyer(t)
    const order = await paidIndividualOrder(buyer)
    const applied = await t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(buyer.token), payload: { orderId: order.id, titleType: 'personal', title: '李四', email: 'lisi@example.cn' } })
    expect(applied.statusCode, applied.body).toBe(201)
    await runInvoiceJobOnce(invoiceJobDeps(t))
    const issued = await invoiceOfOrder(t.database.db, order.id)
    expect(issued?.state).toBe('issued')

    const byOperator = await post(operator.token, `/orders/${order.id}/refund`, { reason: '学员申请退款' })
    expect(byOperator.statusCode).toBe(403)
    expect(byOperator.json().code).toBe('STAFF_FORBIDDEN')
    expect((await post(finance.token, `/orders/${order.id}/refund`, { reason: '' })).statusCode).toBe(400)

    // WeChat's refund notification is lost: only 刷新状态 can learn the outcome.
    t.simulator.faults.set('badSignature', true, { target: 'notification', sticky: true })
    const shown = (await post(finance.token, `/orders/${order.id}/refund`, { reason: '学员申请退款' })).json()
    const rows = await t.database.db.select().from(refunds).where(eq(refunds.orderId, order.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ amountFen: order.amountFen, reason: '学员申请退款', requestedBy: finance.username })
    const outRefundNo = rows[0]!.outRefundNo
    expect(shown.refunds).toEqual([expect.objectContaining({ outRefundNo, status: 'processing' })])
    expect(shown.order.status).toBe('refunding')
    expect(shown.refundBlockedReason).toContain('退款处理中')

    expect((await post(operator.token, `/orders/${order.id}/refunds/${outRefundNo}/sync`)).statusCode).toBe(403)
    expect((await post(finance.token, `/orders/${order.id}/refunds/NOPE123/sync`)).json().code).toBe('REFUND_NOT_FOUND')
    const synced = await waitFor(
      async () => (await post(finance.token, `/orders/${order.id}/refunds/${outRefundNo}/sync`)).json(),
      (d) => d.refunds?.[0]?.status === 'succeeded',
    )
    expect(synced.order).toMatchObject({ status: 'refunded', refundedFen: order.amountFen, refundStatus: 'succeeded' })
    expect(synced.refundBlockedReason).not.toBeNull()
    expect((await auditOf(order.outTradeNo, 'order.refund_sync')).length).toBeGreaterThan(0)
    // The sync path tells invoices as the notification would: a red-letter invoice is on its way.
    expect((await invoiceOfOrder(t.database.db, order.id))?.state).toBe('reversing')
    expect((await documentsOf(t.database.db, issued!.id)).map((d) => [d.kind, d.redReason])).toEqual([
      ['blue', null],
      ['red', 'refund'],
    ])
    // The learner's orders say so.
    const mine = (await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(buyer.token) })).json()
    expect(mine.orders.find((o: { id: number }) => o.id === order.id)).toMatchObject({ status: 'refunded' })
    // A refunded order offers no second refund.
    expect((await post(admin.token, `/orders/${order.id}/refund`, { reason: '再退一次' })).json().code).toBe('REFUND_NOT_ALLOWED')
  })
})

describe('订单与退款: a double submit', () => {
  it('three refund clicks at once make one refund row with one out_refund_no and one audit record', async () => {
    const buyer = await newBuyer(t)
    const order = await paidIndividualOrder(buyer)
    const answers = await Promise.all([finance, finance, admin].map((s) => post(s.token, `/orders/${order.id}/refund`, { reason: '学员申请退款' })))
    for (const a of answers) expect(a.statusCode, a.body).toBe(200)
    expect(await t.database.db.select().from(refunds).where(eq(refunds.orderId, order.id))).toHaveLength(1)
    expect(await auditOf(order.outTradeNo, 'order.refund')).toHaveLength(1)
    const settled = await waitFor(() => orderRow(order.id), (o) => o?.status === 'refunded')
    expect(settled?.refundedFen).toBe(order.amountFen)
  })
})

describe('对公转账 queue and confirmation', () => {
  it('lists pending transfer orders oldest first, paged and masked; operators read but cannot confirm; a second confirm is refused', async () => {
    const buyer = await newBuyer(t)
    const learners = await insertLearners(t.database.db, 3)
    const first = await createGroupOrder(t, buyer.token, projectId, [learners[0]!.idNumber])
    const second = await createGroupOrder(t, buyer.token, projectId, [learners[1]!.idNumber, learners[2]!.idNumber])
    expect((await get(null, '/transfers')).statusCode).toBe(401)
    const all = (await get(operator.token, '/transfers?pageSize=100')).json()
    const mine = all.items.filter((i: { orderId: number }) => i.orderId === first.id || i.orderId === second.id)
    expect(mine.map((i: { orderId: number }) => i.orderId)).toEqual([first.id, second.id])
    expect(mine[1]).toMatchObject({ outTradeNo: second.outTradeNo, quantity: 2, amountDueFen: 2 * priceFen, reference: expect.stringMatching(/^TT/) })
    const paged = (await get(finance.token, '/transfers?pageSize=1')).json()
    expect(paged.items).toHaveLength(1)
    expect(paged.total).toBe(all.total)
    expectMasked(JSON.stringify(all), buyer, ...learners)

    const payload = { reference: mine[1].reference, amountFen: 2 * priceFen, bankSerial: 'B-QUEUE-1' }
    expect((await post(operator.token, '/group-orders/transfers/confirm', payload)).json().code).toBe('STAFF_FORBIDDEN')
    const confirmed = await post(finance.token, '/group-orders/transfers/confirm', payload)
    expect(confirmed.json()).toMatchObject({ outcome: 'paid', status: 'paid', refundDueFen: 0 })
    const again = await post(admin.token, '/group-orders/transfers/confirm', { ...payload, bankSerial: 'B-QUEUE-2' })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'TRANSFER_ALREADY_CONFIRMED', message: expect.stringContaining('B-QUEUE-1') })
    const after = (await get(operator.token, '/transfers?pageSize=100')).json()
    expect(after.items.map((i: { orderId: number }) => i.orderId)).not.toContain(second.id)
    expect(after.total).toBe(all.total - 1)
  })

  it('N staff confirming the same receipt at once: exactly one settles, one audit row, each learner enrolled once', async () => {
    const buyer = await newBuyer(t)
    const learners = await insertLearners(t.database.db, 2)
    const order = await createGroupOrder(t, buyer.token, projectId, learners.map((l) => l.idNumber))
    const reference = (await get(finance.token, '/transfers?pageSize=100')).json().items.find((i: { orderId: number }) => i.orderId === order.id).reference
    const others = await Promise.all([1, 2, 3, 4, 5].map(() => signInNewStaff(t.app, t.database.db, 'finance')))
    const answers = await Promise.all(
      [finance, ...others].map((s, i) => post(s.token, '/group-orders/transfers/confirm', { reference, amountFen: 2 * priceFen, bankSerial: i % 2 ? 'B-RACE' : `B-RACE-${i}` })),
    )
    const codes = answers.map((a) => a.statusCode).sort()
    expect(codes, answers.map((a) => a.body).join('\n')).toEqual([200, 409, 409, 409, 409, 409])
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().code).toBe('TRANSFER_ALREADY_CONFIRMED')
    expect(await auditOf(order.outTradeNo, 'group_order.confirm_transfer')).toHaveLength(1)
    const enrolled = await t.database.db.select().from(enrollments).where(eq(enrollments.orderId, order.id))
    expect(enrolled.map((e) => e.userId).sort()).toEqual(learners.map((l) => l.id).sort())
    expect((await orderRow(order.id))?.payerTotalFen).toBe(2 * priceFen)
  })
})

describe('团购订单', () => {
  it('finds a unit’s orders by 订单号, 转账附言 or unit name; lists learners with progress, paged; exports masked and audited', async () => {
    const buyer = await newBuyer(t)
    const [run] = await t.database.db
      .insert(bulkRegistrations)
      .values({ staff: 'test', source: 'api', fileName: 'a.xlsx', fileSha256: 'x', rows: 1, created: 1, existed: 0, invalid: 0, smsFailed: 0 })
      .returning()
    await t.database.db.insert(bulkRegisteredUsers).values({ userId: buyer.userId, bulkRegistrationId: run!.id, unitName: '重庆市江北区某某中学' })
    const learners = await insertLearners(t.database.db, 3)
    const order = await createGroupOrder(t, buyer.token, projectId, learners.map((l) => l.idNumber))
    const reference = (await get(finance.token, '/transfers?pageSize=100')).json().items.find((i: { orderId: number }) => i.orderId === order.id).reference
    expect((await post(finance.token, '/group-orders/transfers/confirm', { reference, amountFen: 3 * priceFen, bankSerial: 'B-GROUP-1' })).json().outcome).toBe('paid')

    expect((await get(null, '/group-orders')).statusCode).toBe(401)
    for (const q of [order.outTradeNo, reference, encodeURIComponent('江北区某某')]) {
      const found = await get(operator.token, `/group-orders?q=${q}`)
      expect(found.json(), q).toMatchObject({ total: 1, items: [{ id: order.id, status: 'paid', quantity: 3, enrolledCount: 3, completedCount: 0, buyer: { unitName: '重庆市江北区某某中学' } }] })
      expectMasked(found.body, buyer, ...learners)
    }
    expect((await get(operator.token, `/group-orders?q=${encodeURIComponent('不存在的单位')}`)).json().total).toBe(0)

    const page1 = await get(operator.token, `/group-orders/${order.id}/learners?pageSize=2`)
    expect(page1.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 })
    expect(page1.json().items[0]).toMatchObject({ userId: learners[0]!.id, realName: learners[0]!.realName, stateLabel: '已开通', countedHours: 0, completed: false, certificateNumber: null })
    expect(page1.json().items[0].requiredHours).toBeGreaterThan(0)
    const page2 = await get(operator.token, `/group-orders/${order.id}/learners?pageSize=2&page=2`)
    expect(page2.json().items).toHaveLength(1)
    expectMasked(page1.body + page2.body, ...learners)
    expect((await get(operator.token, '/group-orders/999999/learners')).statusCode).toBe(404)

    const file = await get(operator.token, `/group-orders/${order.id}/learners.xlsx`)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toContain('spreadsheetml')
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer)
    const cells: string[] = []
    book.worksheets[0]?.eachRow((row) => cells.push(...(row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
    expect(cells).toContain('身份证号')
    expect(cells).toContain(learners[2]!.realName)
    for (const l of learners) expect(cells.join('|')).not.toContain(l.idNumber)
    const audit = await auditOf(order.outTradeNo, 'group_order.export')
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ staffId: operator.staffId, detail: { rows: 3 } })
    // The audit row names the order, never a person.
    expect(JSON.stringify(audit)).not.toMatch(new RegExp(learners.map((l) => l.idNumber).join('|')))
  })
})
