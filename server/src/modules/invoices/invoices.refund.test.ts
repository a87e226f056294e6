import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { bindNewWechatUser, newBuyer, waitFor } from '../../../test/wechat-helpers.ts'
import { orders } from '../../db/schema.ts'
import { createWechatPayClient } from '../../integrations/wechat/pay/client.ts'
import { requestRefund } from '../payments/refunds.service.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'
import { sweepCursor, sweepRefundedInvoices } from './invoice-sweeps.service.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder, paidOrder, UNIT } from '../../../test/invoices-helpers.ts'

// INV-3: a refund after issue red-letters the invoice. The whole way through the WeChat simulator:
// pay, apply, issue, refund by staff; WeChat's refund notification reaches the payments module,
// whose post-refund seam starts the red-letter invoice.

let t: TestApp
let projectId: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
})
afterAll(async () => t.close())

describe('a refund after issue', () => {
  it('red-letters the issued invoice, and the order can no longer get a new one', async () => {
    const learner = await registerLearner(t.app)
    const token = await bindNewWechatUser(t, learner)
    const order = (await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(token), payload: { projectId, invoice: { choice: 'later' } } })).json()
    const prepared = (await t.app.inject({ method: 'POST', url: `/api/orders/${order.id}/pay`, headers: bearer(token) })).json()
    const paid = (await t.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', payload: { ...prepared.payParams, action: 'confirm' } })).json()
    expect(paid.err_msg).toBe('get_brand_wcpay_request:ok')
    const row = async () => (await t.database.db.select().from(orders).where(eq(orders.id, order.id)))[0]
    await waitFor(row, (o) => o?.status === 'paid')

    const applied = await t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(token), payload: { orderId: order.id, titleType: 'personal', title: '李四', email: 'lisi@example.cn' } })
    expect(applied.statusCode, applied.body).toBe(201)
    await runInvoiceJobOnce(invoiceJobDeps(t))
    const issued = await invoiceOfOrder(t.database.db, order.id)
    expect(issued?.state).toBe('issued')

    const pay = createWechatPayClient(t.wechat, { now: () => t.clock.now.getTime() })
    const log = { info() {}, warn() {}, error() {} }
    await requestRefund({ db: t.database.db, wechat: t.wechat, pay, publicBaseUrl: t.baseUrl, log }, { outTradeNo: order.outTradeNo, reason: '学员申请退款', staff: 'test' }, t.clock.now)
    await waitFor(row, (o) => o?.status === 'refunded')
    // The refund notification's seam started the red-letter invoice before any job round.
    const docs = await waitFor(() => documentsOf(t.database.db, issued!.id), (d) => d.length === 2)
    expect(docs.map((d) => [d.kind, d.state, d.redReason])).toEqual([['blue', 'issued', null], ['red', 'pending', 'refund']])
    expect((await invoiceOfOrder(t.database.db, order.id))?.state).toBe('reversing')

    await runInvoiceJobOnce(invoiceJobDeps(t))
    const reversed = await invoiceOfOrder(t.database.db, order.id)
    expect(reversed).toMatchObject({ state: 'reversed', number: issued?.number })
    expect(reversed?.redNumber).toMatch(/^\d{20}$/)
    // Nothing more happens on later rounds, and neither a new application nor a modification is possible.
    await runInvoiceJobOnce(invoiceJobDeps(t))
    expect(await documentsOf(t.database.db, issued!.id)).toHaveLength(2)
    const list = (await t.app.inject({ method: 'GET', url: '/api/invoices', headers: bearer(token) })).json()
    expect(list.orders[0]).toMatchObject({ refunded: true, invoice: { state: 'reversed' } })
    const modify = await t.app.inject({ method: 'POST', url: `/api/invoices/${issued!.id}/modification`, headers: bearer(token), payload: { titleType: 'personal', title: '李四', email: 'lisi@example.cn' } })
    expect(modify.statusCode).toBe(409)
  })
})

describe('the job\'s sweep of refunded orders (when the refund notification\'s seam did not start the red-letter)', () => {
  it('red-letters the others when one fails, and that one in a later round', async () => {
    const { userId } = await newBuyer(t)
    const unit = { choice: 'now', ...UNIT } as const
    const first = await paidOrder(t.database.db, userId, projectId, t.clock.now, { invoice: unit })
    const second = await paidOrder(t.database.db, userId, projectId, t.clock.now, { invoice: unit })
    await runInvoiceJobOnce(invoiceJobDeps(t))
    await runInvoiceJobOnce(invoiceJobDeps(t))
    const issuedFirst = await invoiceOfOrder(t.database.db, first.id)
    const issuedSecond = await invoiceOfOrder(t.database.db, second.id)
    expect([issuedFirst?.state, issuedSecond?.state]).toEqual(['issued', 'issued'])
    // Both refunded in full, as WeChat settled them, without the seam having run.
    for (const order of [first, second]) await t.database.db.update(orders).set({ status: 'refunded', refundedFen: order.amountFen }).where(eq(orders.id, order.id))
    // The database refuses the first order's red-letter document (any error of one order's own).
    await t.database.db.execute(
      sql.raw(`create function refuse_red_for_test() returns trigger language plpgsql as $$ begin
        if new.kind = 'red' and new.invoice_id = ${issuedFirst!.id} then raise exception 'refused for the test'; end if; return new; end $$`),
    )
    await t.database.db.execute(sql`create trigger refuse_red_for_test before insert on invoice_documents for each row execute function refuse_red_for_test()`)

    const deps = invoiceJobDeps(t)
    const cursor = sweepCursor()
    try {
      expect(await sweepRefundedInvoices(deps, cursor, 2)).toBe(1)
    } finally {
      await t.database.db.execute(sql`drop trigger refuse_red_for_test on invoice_documents`)
      await t.database.db.execute(sql`drop function refuse_red_for_test()`)
    }
    // The failure of the first did not keep the second from its red-letter…
    expect((await invoiceOfOrder(t.database.db, second.id))?.state).toBe('reversing')
    expect((await documentsOf(t.database.db, issuedSecond!.id)).map((d) => [d.kind, d.redReason])).toEqual([['blue', null], ['red', 'refund']])
    // …the first is left as it was (nothing half-written) and logged…
    expect((await invoiceOfOrder(t.database.db, first.id))?.state).toBe('issued')
    expect(await documentsOf(t.database.db, issuedFirst!.id)).toHaveLength(1)
    expect(deps.logged.filter((line) => line.includes('red-letter for a refunded order failed') && line.includes(`"orderId":${first.id}`))).toHaveLength(1)
    // …and gets its red-letter in the next round.
    expect(await sweepRefundedInvoices(deps, cursor, 2)).toBe(1)
    expect((await invoiceOfOrder(t.database.db, first.id))?.state).toBe('reversing')
  })
})
