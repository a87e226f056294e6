import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder, paidOrder } from '../../../test/invoices-helpers.ts'
import { signInNewStaff, type SignedInStaff } from '../../../test/staff-helpers.ts'
import { staffAuditLog } from '../../db/schema.ts'
import { createDevInvoiceProvider } from '../../integrations/invoice/dev-provider.ts'
import { InvoiceProviderError, type InvoiceProvider } from '../../integrations/invoice/provider.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'

// 发票 in the staff console: the list by state (paged), the provider's message on a failed or
// stuck invoice, and 重试 — finance and admin only, audited with the change, never issuing twice.
// The parallel retries race for real on PostgreSQL (TEST_DATABASE_URL).

let t: TestApp
let projectId: number
let operator: SignedInStaff
let finance: SignedInStaff
beforeAll(async () => {
  ;({ t, projectId } = await buildTestAppWithProject())
  operator = await signInNewStaff(t.app, t.database.db, 'operator')
  finance = await signInNewStaff(t.app, t.database.db, 'finance')
})
afterAll(async () => t.close())

const list = (token: string, query = '') => t.app.inject({ method: 'GET', url: `/api/staff/invoices${query}`, headers: bearer(token) })
const retry = (token: string, id: number) => t.app.inject({ method: 'POST', url: `/api/staff/invoices/${id}/retry`, headers: bearer(token), payload: { reason: '诺诺服务恢复后重试' } })

const refusing = (reason: string): InvoiceProvider => ({
  ...createDevInvoiceProvider(() => t.clock.now),
  async submit() {
    throw new InvoiceProviderError(reason, false)
  },
})
const unreachable = (): InvoiceProvider => ({
  ...createDevInvoiceProvider(() => t.clock.now),
  async submit() {
    throw new Error('connect ETIMEDOUT')
  },
})

/** A paid 「立即申请」 order whose invoice the job tried with `provider`. */
async function invoiceTriedWith(provider: InvoiceProvider, rounds = 1) {
  const learner = await registerLearner(t.app)
  const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now, { invoice: { choice: 'now', titleType: 'personal', title: '张三', email: 'zs@example.cn' } })
  for (let i = 0; i < rounds; i++) {
    await runInvoiceJobOnce(invoiceJobDeps(t, provider))
    t.clock.advance(60_000)
  }
  const invoice = await invoiceOfOrder(t.database.db, order.id)
  if (!invoice) throw new Error('no invoice')
  return { order, invoice }
}

describe('GET /api/staff/invoices', () => {
  it('refuses without a staff session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/invoices' })).statusCode).toBe(401)
    const learner = await registerLearner(t.app)
    expect((await list(learner.accessToken)).statusCode).toBe(401)
  })

  it('shows a failed invoice with the provider message to every role, filtered by state and 订单号, paged', async () => {
    const { order, invoice } = await invoiceTriedWith(refusing('购方名称校验不通过'))
    expect(invoice.state).toBe('failed')
    for (const staff of [operator, finance]) {
      const res = await list(staff.token, '?state=failed')
      expect(res.statusCode).toBe(200)
      const item = res.json().items.find((i: { id: number }) => i.id === invoice.id)
      expect(item).toMatchObject({ outTradeNo: order.outTradeNo, state: 'failed', retryable: true, document: { kind: 'blue', state: 'failed', providerMessage: '购方名称校验不通过' } })
    }
    const byOrder = (await list(finance.token, `?outTradeNo=${order.outTradeNo}`)).json()
    expect(byOrder.items.map((i: { id: number }) => i.id)).toEqual([invoice.id])
    expect((await list(finance.token, '?outTradeNo=NO-SUCH-ORDER')).json()).toMatchObject({ items: [], total: 0 })
    expect((await list(finance.token, '?state=issued')).json().items.some((i: { id: number }) => i.id === invoice.id)).toBe(false)

    await invoiceTriedWith(refusing('税号错误'))
    const first = (await list(finance.token, '?state=failed&pageSize=1&page=1')).json()
    const second = (await list(finance.token, '?state=failed&pageSize=1&page=2')).json()
    expect(first.total).toBeGreaterThanOrEqual(2)
    expect(first.items).toHaveLength(1)
    expect(second.items[0].id).not.toBe(first.items[0].id)
  })

  it('filters by the day applied for (Shanghai days)', async () => {
    const { invoice } = await invoiceTriedWith(refusing('x'))
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(invoice.createdAt)
    const within = (await list(finance.token, `?from=${day}&to=${day}&pageSize=100`)).json()
    expect(within.items.some((i: { id: number }) => i.id === invoice.id)).toBe(true)
    const before = (await list(finance.token, `?to=2000-01-01`)).json()
    expect(before.total).toBe(0)
  })
})

describe('POST /api/staff/invoices/:id/retry', () => {
  it('is for finance and admin: 客服 is refused and nothing changes', async () => {
    const { invoice } = await invoiceTriedWith(refusing('x'))
    const res = await retry(operator.token, invoice.id)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('STAFF_FORBIDDEN')
    expect(await documentsOf(t.database.db, invoice.id)).toHaveLength(1)
  })

  it('asks a failed invoice again once, however many retries arrive together; each is audited; the job then issues it', async () => {
    const { invoice } = await invoiceTriedWith(refusing('开票服务维护中'))
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${t.baseUrl}/api/staff/invoices/${invoice.id}/retry`, {
          method: 'POST',
          headers: { ...bearer(finance.token), 'content-type': 'application/json' },
          body: JSON.stringify({ reason: '服务恢复后重试' }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { outcome: string } })),
      ),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(answers.filter((a) => a.body.outcome === 'reissued')).toHaveLength(1)
    const docs = await documentsOf(t.database.db, invoice.id)
    expect(docs.map((d) => d.state)).toEqual(['failed', 'pending'])
    expect(docs[1]?.idempotencyKey).not.toBe(docs[0]?.idempotencyKey)
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.target, `invoice:${invoice.id}`))
    expect(audit).toHaveLength(5)
    expect(audit.every((row) => row.action === 'invoice.retry' && row.staffId === finance.staffId)).toBe(true)
    expect(audit.filter((row) => (row.detail as { outcome: string }).outcome === 'reissued')).toHaveLength(1)

    await runInvoiceJobOnce(invoiceJobDeps(t))
    expect((await invoiceOfOrder(t.database.db, invoice.orderId))?.state).toBe('issued')
    const after = await retry(finance.token, invoice.id)
    expect(after.json()).toMatchObject({ outcome: 'nothing_to_do', invoice: { state: 'issued', retryable: false } })
    expect(await documentsOf(t.database.db, invoice.id)).toHaveLength(2)
  })

  it('shows an invoice stuck on an unreachable provider; 重试 sends the same request number again now', async () => {
    const { invoice } = await invoiceTriedWith(unreachable(), 3)
    const stuck = (await list(finance.token, '?state=stuck&pageSize=100')).json()
    const item = stuck.items.find((i: { id: number }) => i.id === invoice.id)
    expect(item).toMatchObject({ state: 'requested', stuck: true, retryable: true, document: { state: 'pending', providerMessage: 'connect ETIMEDOUT' } })
    const [before] = await documentsOf(t.database.db, invoice.id)
    const res = await retry(finance.token, invoice.id)
    expect(res.json().outcome).toBe('nudged')
    const docs = await documentsOf(t.database.db, invoice.id)
    expect(docs).toHaveLength(1)
    expect(docs[0]?.idempotencyKey).toBe(before?.idempotencyKey)
    expect(docs[0]?.nextAttemptAt.getTime()).toBe(t.clock.now.getTime())
    await runInvoiceJobOnce(invoiceJobDeps(t))
    expect((await invoiceOfOrder(t.database.db, invoice.orderId))?.state).toBe('issued')
  })
})
