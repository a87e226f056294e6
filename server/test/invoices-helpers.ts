import { eq } from 'drizzle-orm'
import type { TestApp } from './app.ts'
import { DEVELOPMENT_INVOICE_CONFIG } from '../src/modules/invoices/invoices.config.ts'
import type { AppDb } from '../src/db/client.ts'
import { newOutTradeNo } from '../src/modules/orders/orders.rules.ts'
import { invoiceDocuments, invoices, orders, projects } from '../src/db/schema.ts'
import type { InvoiceProvider } from '../src/integrations/invoice/provider.ts'
import { createDevMailOutbox } from '../src/integrations/mail/dev-outbox.ts'
import { createInvoiceProvider } from '../src/modules/invoices/invoices.module.ts'
import type { InvoiceDeps } from '../src/modules/invoices/invoices.types.ts'

/** A paid order row paid at a chosen moment (for the year rules); its learners do not matter to invoices. */
export async function paidOrder(
  db: AppDb,
  buyerUserId: number,
  projectId: number,
  paidAt: Date,
  options: { kind?: 'individual' | 'group'; quantity?: number; invoice?: (typeof orders.$inferInsert)['invoice'] } = {},
) {
  const [project] = await db.select().from(projects).where(eq(projects.id, projectId))
  if (!project) throw new Error(`no project ${projectId}`)
  const quantity = options.quantity ?? 1
  const [order] = await db
    .insert(orders)
    .values({
      outTradeNo: newOutTradeNo(paidAt), // the app's own numbers: random, and as long as what pages show
      buyerUserId,
      kind: options.kind ?? 'individual',
      projectId,
      unitPriceFen: project.priceFen,
      quantity,
      amountFen: project.priceFen * quantity,
      status: 'paid',
      invoice: options.invoice ?? { choice: 'later' },
      // As markOrderPaid marks an order paid with 「立即申请」 for the invoice job.
      invoicePending: options.invoice?.choice === 'now',
      createdAt: paidAt,
      expiresAt: paidAt,
      paidAt,
    })
    .returning()
  if (!order) throw new Error('order insert failed')
  return order
}

/** A unit's invoice details (抬头, 税号, e-mail) as a learner types them, valid in every check. */
export const UNIT = { titleType: 'unit', title: '重庆某某建筑设计研究院有限公司', taxpayerId: '91110000802100433B', email: 'caiwu@example.cn' } as const

/** The invoice job's dependencies on the test app's database and clock (tests run the job themselves). */
export function invoiceJobDeps(t: TestApp, provider?: InvoiceProvider): InvoiceDeps & { logged: string[] } {
  const logged: string[] = []
  const record = (obj: object, msg?: string) => void logged.push(`${msg ?? ''} ${JSON.stringify(obj)}`)
  const config = DEVELOPMENT_INVOICE_CONFIG
  return {
    db: t.database.db,
    provider: provider ?? createInvoiceProvider(config, `${t.baseUrl}/api/invoice-callbacks/development`, () => t.clock.now),
    mail: createDevMailOutbox(t.database.db),
    settings: {
      seller: { name: config.sellerName, taxpayerId: config.sellerTaxpayerId },
      itemName: config.itemName,
      taxCode: config.taxCode,
      taxRateBasisPoints: config.taxRateBasisPoints,
    },
    fileLinkKey: 'unused-in-the-job',
    now: () => t.clock.now,
    log: { info: record, warn: record, error: record },
    kick: () => {},
    logged,
  }
}

export async function documentsOf(db: AppDb, invoiceId: number) {
  return db.select().from(invoiceDocuments).where(eq(invoiceDocuments.invoiceId, invoiceId)).orderBy(invoiceDocuments.id)
}

export async function invoiceOfOrder(db: AppDb, orderId: number) {
  const [row] = await db.select().from(invoices).where(eq(invoices.orderId, orderId))
  return row
}

export { pdfText } from './pdf-text-helpers.ts'
