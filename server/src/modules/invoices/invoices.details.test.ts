import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { paidOrder, UNIT } from '../../../test/invoices-helpers.ts'

// One rule for invoice details (INV-1) at every way in: 「立即申请」 with the order (POST /api/orders,
// issued later by the paid-order sweep without asking again) and 「申请开票」 (POST /api/invoices).

let t: TestApp
let projectId: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
})
afterAll(async () => t.close())

async function order(learner: Registered, details: object) {
  return t.app.inject({ method: 'POST', url: '/api/orders', headers: bearer(learner.accessToken), payload: { projectId, invoice: { choice: 'now', ...details } } })
}

async function apply(learner: Registered, details: object) {
  const paid = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
  return t.app.inject({ method: 'POST', url: '/api/invoices', headers: bearer(learner.accessToken), payload: { orderId: paid.id, ...details } })
}

/** Orders made through POST /api/orders (the paid ones above are made directly in the database). */
async function pendingOrders(learner: Registered) {
  const list = (await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(learner.accessToken) })).json().orders as Array<{ status: string }>
  return list.filter((o) => o.status === 'pending')
}

describe('invoice details: the same rule at the order and at 申请开票', () => {
  it('asks for confirmation of a 统一社会信用代码 whose check character is wrong, at the order as at 申请开票', async () => {
    const learner = await registerLearner(t.app)
    const wrongCheck = { ...UNIT, taxpayerId: '91110000802100433C' }
    for (const res of [await order(learner, wrongCheck), await apply(learner, wrongCheck)]) {
      expect(res.statusCode, res.body).toBe(409)
      expect(res.json()).toMatchObject({ code: 'TAXPAYER_ID_UNCONFIRMED', message: expect.stringContaining('核实') })
    }
    expect(await pendingOrders(learner)).toHaveLength(0)

    // Confirmed by the learner (「确认无误，继续」): the order is made and keeps the id as given.
    const confirmed = await order(learner, { ...wrongCheck, confirmTaxpayerId: true })
    expect(confirmed.statusCode, confirmed.body).toBe(201)
    expect(confirmed.json()).toMatchObject({ invoiceChoice: 'now' })
    expect((await apply(learner, { ...wrongCheck, confirmTaxpayerId: true })).statusCode).toBe(201)
  })

  it('refuses markup and control characters in the title and e-mail with a message that says so, at both', async () => {
    const learner = await registerLearner(t.app)
    const cases: Array<[object, string]> = [
      [{ ...UNIT, title: '<script>alert(1)</script>有限公司' }, '发票抬头不能包含“<”“>”等网页标记符号'],
      [{ ...UNIT, title: '重庆某某\n有限公司' }, '发票抬头不能包含换行、制表符等控制字符'],
      [{ ...UNIT, title: '重庆某某\u200b有限公司' }, '发票抬头不能包含换行、制表符等控制字符或不可见字符'],
      [{ titleType: 'personal', title: '张三', email: '<b>x</b>@example.cn' }, '电子邮箱不能包含“<”“>”等网页标记符号'],
    ]
    for (const [details, message] of cases) {
      for (const res of [await order(learner, details), await apply(learner, details)]) {
        expect(res.statusCode, res.body).toBe(400)
        expect(res.json()).toMatchObject({ code: 'INVOICE_INVALID', message: expect.stringContaining(message) })
      }
    }
    expect(await pendingOrders(learner)).toHaveLength(0)
    // What a company is really called still passes: brackets, dots, ampersands, digits.
    const real = await order(learner, { ...UNIT, title: '重庆某某（集团）P&G·设计院有限公司' })
    expect(real.statusCode, real.body).toBe(201)
  })
})
