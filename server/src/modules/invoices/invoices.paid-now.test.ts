import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { bearer } from '../../../test/auth-helpers.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { confirmInCashier, preparePay } from '../../../test/group-helpers.ts'
import { invoiceJobDeps, invoiceOfOrder, paidOrder, UNIT } from '../../../test/invoices-helpers.ts'
import { newBuyer, waitFor } from '../../../test/wechat-helpers.ts'
import { orders } from '../../db/schema/orders.ts'
import { sweepCursor, sweepPaidNowOrders } from './invoice-sweeps.service.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'

// 「立即申请」 chosen at the order, paid through WeChat Pay (the simulator's cashier and its signed
// notification): the invoice job finds the order by the mark the payment left, not by reading
// every paid order, and invoices it once.

let t: TestApp
let projectId: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
})
afterAll(async () => t.close())

async function orderRow(id: number) {
  const [row] = await t.database.db.select().from(orders).where(eq(orders.id, id))
  return row!
}

describe('「立即申请」 at the order, paid through WeChat Pay (INV-2)', () => {
  it('gets its invoice from the next round of the job, once, and leaves nothing for the job to look at', async () => {
    const buyer = await newBuyer(t)
    const created = await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(buyer.token), payload: { projectId, invoice: { choice: 'now', ...UNIT } } })
    expect(created.statusCode, created.body).toBe(201)
    const orderId = created.json().id as number
    expect((await orderRow(orderId)).invoicePending).toBe(false) // nothing to invoice before it is paid

    expect(await confirmInCashier(t, (await preparePay(t, buyer.token, orderId)).payParams)).toBe('get_brand_wcpay_request:ok')
    const paid = await waitFor(() => orderRow(orderId), (o) => o.status === 'paid')
    expect(paid.invoicePending).toBe(true)

    await runInvoiceJobOnce(invoiceJobDeps(t))
    await runInvoiceJobOnce(invoiceJobDeps(t))
    expect(await invoiceOfOrder(t.database.db, orderId)).toMatchObject({ state: 'issued', amountFen: paid.amountFen, title: UNIT.title })
    expect((await orderRow(orderId)).invoicePending).toBe(false)
  })

  it('clears the mark of an order that no longer qualifies, without invoicing it', async () => {
    const buyer = await newBuyer(t)
    const created = await t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(buyer.token), payload: { projectId, invoice: { choice: 'now', ...UNIT } } })
    const orderId = created.json().id as number
    expect(await confirmInCashier(t, (await preparePay(t, buyer.token, orderId)).payParams)).toBe('get_brand_wcpay_request:ok')
    await waitFor(() => orderRow(orderId), (o) => o.status === 'paid')
    // Refunded in full before the job came round (staff refund, settled by WeChat).
    await t.database.db.update(orders).set({ status: 'refunded', refundedFen: (await orderRow(orderId)).amountFen }).where(eq(orders.id, orderId))

    await runInvoiceJobOnce(invoiceJobDeps(t))
    expect(await invoiceOfOrder(t.database.db, orderId)).toBeUndefined()
    expect((await orderRow(orderId)).invoicePending).toBe(false)
  })

  it('does not let orders that keep failing hold up the ones paid after them', async () => {
    const buyer = await newBuyer(t)
    // Three orders whose invoice cannot be made (details without a title, as an older version could
    // have stored them): every attempt fails and leaves the mark for a later round.
    const broken = { choice: 'now', titleType: 'unit', title: null, email: UNIT.email } as never
    const failing = [
      await paidOrder(t.database.db, buyer.userId, projectId, t.clock.now, { invoice: broken }),
      await paidOrder(t.database.db, buyer.userId, projectId, t.clock.now, { invoice: broken }),
      await paidOrder(t.database.db, buyer.userId, projectId, t.clock.now, { invoice: broken }),
    ]
    const good = await paidOrder(t.database.db, buyer.userId, projectId, t.clock.now, { invoice: { choice: 'now', ...UNIT } })

    const deps = invoiceJobDeps(t)
    const cursor = sweepCursor()
    // Two orders a round: the first round takes two of the failing ones…
    expect(await sweepPaidNowOrders(deps, cursor, 2)).toBe(0)
    expect(await invoiceOfOrder(t.database.db, good.id)).toBeUndefined()
    // …the next goes on from there instead of taking the same two again, and reaches the good order.
    expect(await sweepPaidNowOrders(deps, cursor, 2)).toBe(1)
    expect(await invoiceOfOrder(t.database.db, good.id)).toMatchObject({ title: UNIT.title })
    expect((await orderRow(good.id)).invoicePending).toBe(false)
    // The failing ones keep their mark, are logged, and come round again from the start.
    for (const order of failing) expect((await orderRow(order.id)).invoicePending).toBe(true)
    expect(deps.logged.filter((line) => line.includes('invoice for a paid order failed'))).toHaveLength(3)
    await sweepPaidNowOrders(deps, cursor, 2)
    expect(deps.logged.filter((line) => line.includes(`"orderId":${failing[0]!.id}`))).toHaveLength(2)
  })
})
