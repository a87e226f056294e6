import { createHash } from 'node:crypto'
import ExcelJS from 'exceljs'
import { and, eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { groupIdNumber, insertLearners } from '../../../test/group-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { newBuyer, waitFor, type Buyer } from '../../../test/wechat-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { enrollments, groupOrderTransfers, groupRefundDues, orders, staffAuditLog } from '../../db/schema.ts'
import { signGroupFileLink } from './group-file-links.rules.ts'
import { learnersFilePath } from './group-orders.service.ts'

/** The key the app derives for group file links from the test secret (app.ts). */
const FILE_KEY = createHash('sha256').update('group-order-files:test-jwt-secret-0123456789abcdefghijklmnop').digest('base64url')

let t: TestApp
let projectId: number
let priceFen: number
beforeAll(async () => {
  ({ t, projectId, priceFen } = await buildTestAppWithProject())
})
afterEach(() => t.simulator.faults.clear())
afterAll(async () => t.close())


const submit = (buyer: Buyer, text: string) =>
  t.app.inject({ method: 'POST', url: '/api/group-orders', headers: bearer(buyer.token), payload: { projectId, text } })

async function readXlsx(buffer: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(buffer as unknown as ArrayBuffer)
  const rows: string[][] = []
  book.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}

async function activeEnrolments(userIds: number[]) {
  const rows = await t.database.db.select().from(enrollments).where(and(eq(enrollments.projectId, projectId), eq(enrollments.status, 'active')))
  return rows.filter((r) => userIds.includes(r.userId))
}

async function payByWechat(buyer: Buyer, orderId: number) {
  const prepared = await t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/pay`, headers: bearer(buyer.token) })
  expect(prepared.statusCode, prepared.body).toBe(200)
  const answer = await t.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', payload: { ...prepared.json().payParams, action: 'confirm' } })
  expect(answer.json().err_msg).toBe('get_brand_wcpay_request:ok')
}

describe('团体购买: checking a pasted list (GRP-2)', () => {
  it('a list mixing every error kind creates nothing and reports each line; the error file reads back', async () => {
    const buyer = await newBuyer(t)
    const [ok1, ok2, owned, pending] = await insertLearners(t.database.db, 4)
    await enrol(t.database.db, owned!.id, projectId)
    const pendingLearner = await registerLearner(t.app, { idNumber: groupIdNumber() })
    expect((await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(pendingLearner.accessToken), payload: { projectId, invoice: { choice: 'later' } } })).statusCode).toBe(201)
    void pending
    const unregistered = groupIdNumber()
    const badCheck = ok2!.idNumber.slice(0, 17) + (ok2!.idNumber[17] === '1' ? '2' : '1')
    const lines = [
      `  ${ok1!.idNumber}\t`, // 1 fixed: spaces
      '', // 2 blank: skipped
      ok1!.idNumber, // 3 duplicate of line 1
      unregistered, // 4 not registered
      badCheck, // 5 check digit
      '5001121970', // 6 length
      owned!.idNumber, // 7 already owned
      pendingLearner.idNumber, // 8 pending individual order
      `\uFEFF${ok2!.idNumber.toLowerCase()}\u200B`, // 9 fixed: invisible + lower-case x (if any)
    ]
    const res = await submit(buyer, lines.join('\r\n'))
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ outcome: 'rejected', total: 8, passed: 2, failed: 6 })
    expect(body.fixes.spaces).toBe(1)
    expect(body.fixes.invisible).toBe(1)
    expect(body.failures.map((f: { line: number }) => f.line)).toEqual([3, 4, 5, 6, 7, 8])
    expect(body.failures[0].reason).toBe('与第1行重复')
    expect(body.failures[1].reason).toContain('未注册')
    expect(body.failures[2].reason).toContain('校验位')
    expect(body.failures[3].reason).toContain('18位')
    expect(body.failures[4].reason).toContain('已购买')
    expect(body.failures[5].reason).toContain('待支付')
    expect(body.order).toBeUndefined()
    const groupOrders = await t.database.db.select().from(orders).where(and(eq(orders.buyerUserId, buyer.userId), eq(orders.kind, 'group')))
    expect(groupOrders).toEqual([])

    // 「下载错误文件」: a signed link, no token needed (WeChat opens it as a plain page).
    const file = await t.app.inject({ method: 'GET', url: body.errorFileUrl })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toContain('spreadsheetml')
    expect(file.headers['content-disposition']).toContain("filename*=UTF-8''")
    const rows = await readXlsx(file.rawPayload)
    expect(rows[0]).toEqual(['行号', '输入内容', '原因'])
    expect(rows.slice(1).map((r) => r[0])).toEqual(['3', '4', '5', '6', '7', '8'])
    expect(rows[2]).toEqual(['4', unregistered, expect.stringContaining('未注册')])
    // A tampered or expired link is refused.
    // The signature's first character changed (to one it is not: 'A' itself 1 time in 64).
    const tampered = await t.app.inject({ method: 'GET', url: body.errorFileUrl.replace(/sig=(.)/, (_: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`) })
    expect(tampered.statusCode).toBe(403)
    t.clock.advance(16 * 60_000)
    expect((await t.app.inject({ method: 'GET', url: body.errorFileUrl })).json().code).toBe('FILE_LINK_INVALID')
  })

  it('refuses an empty list and a list over 5,000 lines with clear codes', async () => {
    const buyer = await newBuyer(t)
    expect((await submit(buyer, '\n \n\u200B\n')).json().code).toBe('GROUP_LIST_EMPTY')
    const tooMany = Array.from({ length: 5001 }, () => '110105194912310021').join('\n')
    const res = await submit(buyer, tooMany)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('GROUP_LIST_TOO_LONG')
  })

  it('needs a signed-in learner', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/group-orders', payload: { projectId, text: '110105194912310021' } })
    expect(res.statusCode).toBe(401)
  })
})

describe('团体购买: order, WeChat Pay and 团购订单 (GRP-1, GRP-3, GRP-4)', () => {
  it('creates one order for N learners at N × price, pays once under duplicate notifications, enrols everyone', async () => {
    const buyer = await newBuyer(t)
    const learners = await insertLearners(t.database.db, 3)
    const fullWidth = [...learners[2]!.idNumber].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')
    const res = await submit(buyer, `${learners[0]!.idNumber}\n\u00A0${learners[1]!.idNumber}\n${fullWidth}\n`)
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({ outcome: 'created', total: 3, passed: 3, failed: 0 })
    expect(body.fixes).toMatchObject({ invisible: 1, fullwidth: 1 })
    expect(body.order).toMatchObject({ kind: 'group', quantity: 3, unitPriceFen: priceFen, amountFen: 3 * priceFen, status: 'pending' })
    expect(body.learners[0]).toEqual({ idNumberMasked: expect.stringMatching(/^5001\*{10}.{4}$/), nameMasked: '张*明' })

    // Before payment the buyer sees what the list held and no more: masked names, no progress, no export.
    const unpaid = await t.app.inject({ method: 'GET', url: `/api/group-orders/${body.order.id}/learners`, headers: bearer(buyer.token) })
    expect(unpaid.json()).toMatchObject({ total: 3, namesMasked: true, exportUrl: null })
    expect(unpaid.json().learners[0]).toEqual({ idNumberMasked: expect.stringMatching(/^5001\*{10}.{4}$/), realName: '张*明', state: 'unpaid', percent: null, countedHours: null, completed: null })
    expect(unpaid.body).not.toContain('张小明')
    expect(unpaid.body).not.toContain('欧阳春花')
    // Even a validly signed export link (none is handed out before payment) is refused.
    const unpaidExport = await t.app.inject({ method: 'GET', url: signGroupFileLink(FILE_KEY, learnersFilePath(buyer.userId, body.order.id), t.clock.now) })
    expect(unpaidExport.statusCode).toBe(409)
    expect(unpaidExport.json().code).toBe('GROUP_ORDER_UNPAID')

    t.simulator.faults.set('duplicate', 4, { target: 'notification' })
    await payByWechat(buyer, body.order.id)
    await waitFor(async () => (await t.database.db.select().from(orders).where(eq(orders.id, body.order.id)))[0], (o) => o?.status === 'paid')
    await new Promise((r) => setTimeout(r, 300))
    expect(await activeEnrolments(learners.map((l) => l.id))).toHaveLength(3)

    // 团购订单: the list, the detail and the learners with their 计划完成度, and the export.
    const list = (await t.app.inject({ method: 'GET', url: '/api/group-orders', headers: bearer(buyer.token) })).json()
    expect(list.groupOrders[0]).toMatchObject({ learnerCount: 3, enrolledCount: 3, order: { status: 'paid', amountFen: 3 * priceFen } })
    const page = (await t.app.inject({ method: 'GET', url: `/api/group-orders/${body.order.id}/learners`, headers: bearer(buyer.token) })).json()
    expect(page).toMatchObject({ total: 3, namesMasked: false, exportUrl: expect.stringContaining('/learners.xlsx?') })
    expect(page.learners.map((l: { realName: string }) => l.realName)).toEqual(['张小明', '李四', '欧阳春花'])
    expect(page.learners[0]).toMatchObject({ realName: '张小明', state: 'enrolled', percent: 0, countedHours: 0, completed: false })
    expect(page.learners[0].idNumberMasked).not.toContain(learners[0]!.idNumber.slice(4, 14))
    const exported = await t.app.inject({ method: 'GET', url: page.exportUrl })
    const rows = await readXlsx(exported.rawPayload)
    expect(rows[0]).toEqual(['序号', '姓名', '身份证号', '开通状态', '已获学时', '计划完成度'])
    expect(rows).toHaveLength(4)
    expect(rows[1]?.slice(1, 4)).toEqual(['张小明', expect.stringContaining('*'), '已开通'])

    // Another buyer sees none of it.
    const other = await newBuyer(t)
    expect((await t.app.inject({ method: 'GET', url: `/api/group-orders/${body.order.id}`, headers: bearer(other.token) })).statusCode).toBe(404)
    const forged = page.exportUrl.replace(`/files/${buyer.userId}/`, `/files/${other.userId}/`)
    expect((await t.app.inject({ method: 'GET', url: forged })).statusCode).toBe(403)
  })
})

describe('对公转账 (GRP-3)', () => {
  async function groupOrder(buyer: Buyer, n: number) {
    const learners = await insertLearners(t.database.db, n)
    const body = (await submit(buyer, learners.map((l) => l.idNumber).join('\n'))).json()
    expect(body.outcome).toBe('created')
    const detail = (await t.app.inject({ method: 'GET', url: `/api/group-orders/${body.order.id}`, headers: bearer(buyer.token) })).json()
    return { learners, order: body.order, transfer: detail.transfer }
  }
  const confirm = (token: string, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/staff/group-orders/transfers/confirm', headers: bearer(token), payload })

  it('shows the receiving account and a reference; staff confirm once, audited; learner tokens are refused', async () => {
    const buyer = await newBuyer(t)
    const { learners, order, transfer } = await groupOrder(buyer, 2)
    expect(transfer).toMatchObject({ reference: expect.stringMatching(/^TT[A-Z2-9]{8}$/), amountFen: 2 * priceFen, confirmedAt: null })
    expect(transfer.accountNumber).toBeTruthy()
    const payload = { reference: transfer.reference.toLowerCase(), amountFen: 2 * priceFen, bankSerial: 'B20260001' }

    const byLearner = await confirm(buyer.token, payload)
    expect(byLearner.statusCode).toBe(401)
    expect(byLearner.json().code).toBe('STAFF_UNAUTHORIZED')

    const staff = await signInNewStaff(t.app, t.database.db, 'finance')
    const wrongAmount = await confirm(staff.token, { ...payload, amountFen: priceFen })
    expect(wrongAmount.json().code).toBe('TRANSFER_MISMATCH')
    const first = await confirm(staff.token, payload)
    expect(first.json()).toMatchObject({ outcome: 'paid', outTradeNo: order.outTradeNo, status: 'paid' })
    const again = await confirm(staff.token, payload)
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'TRANSFER_ALREADY_CONFIRMED', message: expect.stringContaining('未重复入账') })
    const operator = await signInNewStaff(t.app, t.database.db, 'operator')
    expect((await confirm(operator.token, payload)).json().code).toBe('STAFF_FORBIDDEN')
    expect(await activeEnrolments(learners.map((l) => l.id))).toHaveLength(2)
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.target, `order:${order.outTradeNo}`))
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ staffId: staff.staffId, action: 'group_order.confirm_transfer' })
  })

  it('a transfer confirmed after the order lapsed enrols who is free; one who bought alone meanwhile is owed back', async () => {
    const buyer = await newBuyer(t)
    const { learners, order, transfer } = await groupOrder(buyer, 2)
    expect((await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/cancel`, headers: bearer(buyer.token) })).json().status).toBe('closed')
    // Meanwhile learner 0 is enrolled by an order of their own.
    await enrol(t.database.db, learners[0]!.id, projectId)
    const staff = await signInNewStaff(t.app, t.database.db, 'finance')
    const res = await confirm(staff.token, { reference: transfer.reference, amountFen: 2 * priceFen, bankSerial: 'B20260002' })
    expect(res.json()).toMatchObject({ outcome: 'paid', status: 'paid' })
    const enrolled = await activeEnrolments(learners.map((l) => l.id))
    expect(enrolled.map((e) => e.userId).sort()).toEqual(learners.map((l) => l.id).sort())
    expect(enrolled.filter((e) => e.orderId === order.id).map((e) => e.userId)).toEqual([learners[1]!.id])
    const dues = await t.database.db.select().from(groupRefundDues).where(eq(groupRefundDues.orderId, order.id))
    expect(dues).toEqual([expect.objectContaining({ reason: 'learner_already_enrolled', learnerUserId: learners[0]!.id, amountFen: priceFen })])
    const page = (await t.app.inject({ method: 'GET', url: `/api/group-orders/${order.id}/learners`, headers: bearer(buyer.token) })).json()
    expect(page.learners.map((l: { state: string }) => l.state)).toEqual(['refund_due', 'enrolled'])
  })

  it('transfer and WeChat Pay at once: settled exactly once, the second payment recorded to refund', async () => {
    const buyer = await newBuyer(t)
    const { learners, order, transfer } = await groupOrder(buyer, 3)
    const staff = await signInNewStaff(t.app, t.database.db, 'finance')
    const prepared = await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/pay`, headers: bearer(buyer.token) })
    // Real parallel requests against the listening server.
    const [byTransfer] = await Promise.all([
      fetch(`${t.baseUrl}/api/staff/group-orders/transfers/confirm`, {
        method: 'POST',
        headers: { ...bearer(staff.token), 'content-type': 'application/json' },
        body: JSON.stringify({ reference: transfer.reference, amountFen: 3 * priceFen, bankSerial: 'B20260003' }),
      }).then((r) => r.json() as Promise<{ outcome: string }>),
      fetch(`${t.baseUrl}/wx-sim/dev/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...prepared.json().payParams, action: 'confirm' }) }),
    ])
    expect(['paid', 'duplicate_payment']).toContain(byTransfer.outcome)
    const dues = await waitFor(
      () => t.database.db.select().from(groupRefundDues).where(eq(groupRefundDues.orderId, order.id)),
      (rows) => rows.length === 1,
    )
    expect(dues[0]).toMatchObject({ reason: 'duplicate_payment', amountFen: 3 * priceFen })
    const [row] = await t.database.db.select().from(orders).where(eq(orders.id, order.id))
    expect(row?.status).toBe('paid')
    expect(await activeEnrolments(learners.map((l) => l.id))).toHaveLength(3)
    const [transferRow] = await t.database.db.select().from(groupOrderTransfers).where(eq(groupOrderTransfers.orderId, order.id))
    expect(transferRow?.confirmedAt).not.toBeNull()
  })
})

describe('a pending group order reserves nothing (squatting)', () => {
  it('the listed learner buys for themself, is told a unit order including them is pending, and another unit can list them too', async () => {
    const squatter = await newBuyer(t)
    const learner = await newBuyer(t)
    const created = (await submit(squatter, learner.idNumber)).json()
    expect(created.outcome).toBe('created')
    const notice = (who: Buyer) => t.app.inject({ method: 'GET', url: `/api/group-orders/notice?projectId=${projectId}`, headers: bearer(who.token) })
    const told = await notice(learner)
    expect(told.json()).toEqual({ pendingGroupOrder: true })
    // Nothing about the order or its buyer.
    expect(told.body).not.toContain(created.order.outTradeNo)
    expect((await notice(squatter)).json()).toEqual({ pendingGroupOrder: false })
    // The catalogue does not show the project as 待支付 for the learner.
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue', headers: bearer(learner.token) })).json()
    const card = catalogue.categories.flatMap((c: { projects: { id: number; state?: string }[] }) => c.projects).find((p: { id: number }) => p.id === projectId)
    expect(card.state).not.toBe('pending_payment')
    // Another unit lists the same learner: accepted.
    expect((await submit(await newBuyer(t), learner.idNumber)).json().outcome).toBe('created')
    // The learner buys for themself: 201, not 409 ORDER_ALREADY_PENDING.
    const own = await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(learner.token), payload: { projectId, invoice: { choice: 'later' } } })
    expect(own.statusCode, own.body).toBe(201)
    await payByWechat(learner, own.json().id)
    await waitFor(async () => (await activeEnrolments([learner.userId])).length, (n) => n === 1)
    // Enrolled: the notice is gone, and the squatter's order, re-priced when viewed, charges nothing and is closed.
    expect((await notice(learner)).json()).toEqual({ pendingGroupOrder: false })
    const detail = (await t.app.inject({ method: 'GET', url: `/api/group-orders/${created.order.id}`, headers: bearer(squatter.token) })).json()
    expect(detail).toMatchObject({ learnerCount: 0, droppedCount: 1, order: { status: 'closed', amountFen: 0 } })
    const pay = await t.app.inject({ method: 'POST', url: `/api/orders/${created.order.id}/pay`, headers: bearer(squatter.token) })
    expect(pay.statusCode).toBe(409)
  })
})
