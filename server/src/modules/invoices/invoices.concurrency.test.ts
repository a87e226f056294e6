import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { registerLearner } from '../../../test/auth-helpers.ts'
import type { InvoiceProvider } from '../../integrations/invoice/provider.ts'
import { createDevInvoiceProvider } from '../../integrations/invoice/dev-provider.ts'
import { runInvoiceJobOnce } from './invoices.job.ts'
import { documentsOf, invoiceJobDeps, invoiceOfOrder, paidOrder } from '../../../test/invoices-helpers.ts'

// Races (run on PostgreSQL with TEST_DATABASE_URL; PGlite runs one statement at a time): parallel
// applications for one order through the listening server, and several job workers (as several
// server instances would run) sharing the same due documents.

let t: TestApp
let projectId: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
})
afterAll(async () => t.close())

describe('races', () => {
  it('lets exactly one of eight parallel applications for an order through', async () => {
    const learner = await registerLearner(t.app)
    const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now)
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${t.baseUrl}/api/invoices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${learner.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ orderId: order.id, titleType: 'personal', title: `张三${i}`, email: 'zs@example.cn' }),
        }).then(async (res) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code })),
      ),
    )
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 409).every((a) => a.code === 'INVOICE_ALREADY_APPLIED')).toBe(true)
    const invoice = await invoiceOfOrder(t.database.db, order.id)
    expect(await documentsOf(t.database.db, invoice!.id)).toHaveLength(1)
  })

  it('has four parallel workers submit each of twelve documents exactly once', async () => {
    const learner = await registerLearner(t.app)
    const ids: number[] = []
    for (let i = 0; i < 12; i++) {
      const order = await paidOrder(t.database.db, learner.userId, projectId, t.clock.now, { invoice: { choice: 'now', titleType: 'personal', title: '王五', email: 'ww@example.cn' } })
      ids.push(order.id)
    }
    const dev = createDevInvoiceProvider(() => t.clock.now)
    const submitted: string[] = []
    const counting: InvoiceProvider = {
      ...dev,
      async submit(request) {
        submitted.push(request.idempotencyKey)
        // A slow provider widens the window in which a second worker could pick the same row.
        await new Promise((resolve) => setTimeout(resolve, 20))
        return dev.submit(request)
      },
    }
    await Promise.all(Array.from({ length: 4 }, () => runInvoiceJobOnce(invoiceJobDeps(t, counting))))
    await runInvoiceJobOnce(invoiceJobDeps(t, counting))
    const invoices = await Promise.all(ids.map((id) => invoiceOfOrder(t.database.db, id)))
    expect(invoices.every((i) => i?.state === 'issued')).toBe(true)
    // The earlier test's application is due too: 13 documents, each sent once.
    expect(submitted).toHaveLength(13)
    expect(new Set(submitted).size).toBe(13)
  })
})
