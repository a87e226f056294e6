import { and, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { invoiceDocuments, invoices } from '../../db/schema/invoices.ts'
import type { InvoiceDocumentRow, InvoiceRow, Tx } from './invoices.repository.ts'

/** The console's 发票 list and 重试 (docs/staff.md): queries over invoices and their provider requests. */

/** A request still open after this many looks, or this long, is shown as stuck. */
export const STUCK_AFTER_ATTEMPTS = 3
export const STUCK_AFTER_MS = 30 * 60_000

const OPEN = ['pending', 'submitted'] as const

/** An open provider request of the invoice that has been tried or waited on too long. */
function stuckCondition(now: Date): SQL {
  // The outer column is written out with its table: drizzle may render it unqualified, and d.id would capture it.
  return sql`exists (select 1 from invoice_documents d where d.invoice_id = "invoices"."id" and d.state in ('pending', 'submitted')
    and (d.attempts >= ${STUCK_AFTER_ATTEMPTS} or d.created_at < ${new Date(now.getTime() - STUCK_AFTER_MS).toISOString()}::timestamptz))`
}

export interface StaffInvoiceFilter {
  state?: InvoiceRow['state'] | 'stuck'
  orderId?: number
  createdFrom?: Date
  createdBefore?: Date
}

export async function listInvoicesForStaff(db: AppDb, filter: StaffInvoiceFilter, page: { page: number; pageSize: number }, now: Date) {
  const where = and(
    filter.state === 'stuck' ? stuckCondition(now) : filter.state ? eq(invoices.state, filter.state) : undefined,
    filter.orderId === undefined ? undefined : eq(invoices.orderId, filter.orderId),
    filter.createdFrom ? gte(invoices.createdAt, filter.createdFrom) : undefined,
    filter.createdBefore ? lt(invoices.createdAt, filter.createdBefore) : undefined,
  )
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(invoices)
      .where(where)
      .orderBy(desc(invoices.updatedAt), desc(invoices.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(invoices).where(where),
  ])
  return { items, total: total?.n ?? 0 }
}

/** The latest provider request of each invoice, in one query. */
export async function latestDocuments(db: AppDb | Tx, invoiceIds: number[]): Promise<Map<number, InvoiceDocumentRow>> {
  if (invoiceIds.length === 0) return new Map()
  const rows = await db
    .selectDistinctOn([invoiceDocuments.invoiceId])
    .from(invoiceDocuments)
    .where(inArray(invoiceDocuments.invoiceId, invoiceIds))
    .orderBy(invoiceDocuments.invoiceId, desc(invoiceDocuments.id))
  return new Map(rows.map((row) => [row.invoiceId, row]))
}

/** The invoice's open request (pending or submitted), locked for the caller's transaction. */
export async function lockOpenDocument(tx: Tx, invoiceId: number): Promise<InvoiceDocumentRow | undefined> {
  const [row] = await tx
    .select()
    .from(invoiceDocuments)
    .where(and(eq(invoiceDocuments.invoiceId, invoiceId), or(...OPEN.map((state) => eq(invoiceDocuments.state, state)))))
    .orderBy(desc(invoiceDocuments.id))
    .limit(1)
    .for('update')
  return row
}

/** Asks the job to look at an open request now; it goes out under its own request number. */
export async function dueNow(tx: Tx, documentId: number, now: Date): Promise<void> {
  await tx
    .update(invoiceDocuments)
    .set({ nextAttemptAt: now })
    .where(and(eq(invoiceDocuments.id, documentId), inArray(invoiceDocuments.state, [...OPEN])))
}

export async function findInvoiceById(db: AppDb | Tx, invoiceId: number): Promise<InvoiceRow | undefined> {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, invoiceId))
  return row
}
