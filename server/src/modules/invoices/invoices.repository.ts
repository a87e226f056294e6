import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { invoiceDocuments, invoices, invoiceTitles, orders, projects } from '../../db/schema.ts'

export type InvoiceRow = typeof invoices.$inferSelect
export type InvoiceDocumentRow = typeof invoiceDocuments.$inferSelect
export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

/** The buyer's paid orders (paid once, refunded later included) with their invoices, newest first. */
export async function listInvoiceOrders(db: AppDb, buyerUserId: number) {
  return db
    .select({ order: orders, projectTitle: projects.title, invoice: invoices })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .leftJoin(invoices, eq(invoices.orderId, orders.id))
    .where(and(eq(orders.buyerUserId, buyerUserId), isNotNull(orders.paidAt), inArray(orders.status, ['paid', 'refunding', 'refunded'])))
    .orderBy(desc(orders.paidAt), desc(orders.id))
    .limit(100)
}

export async function findOwnInvoice(db: AppDb | Tx, ownerUserId: number, invoiceId: number) {
  const [row] = await db.select().from(invoices).where(and(eq(invoices.id, invoiceId), eq(invoices.ownerUserId, ownerUserId)))
  return row
}

export async function findInvoiceByOrder(db: AppDb | Tx, orderId: number) {
  const [row] = await db.select().from(invoices).where(eq(invoices.orderId, orderId))
  return row
}

/** The blue document in force: the latest issued blue one. */
export async function currentBlueDocument(db: AppDb | Tx, invoiceId: number) {
  const [row] = await db
    .select()
    .from(invoiceDocuments)
    .where(and(eq(invoiceDocuments.invoiceId, invoiceId), eq(invoiceDocuments.kind, 'blue'), eq(invoiceDocuments.state, 'issued')))
    .orderBy(desc(invoiceDocuments.id))
    .limit(1)
  return row
}

export async function findDocument(db: AppDb | Tx, documentId: number) {
  const [row] = await db.select().from(invoiceDocuments).where(eq(invoiceDocuments.id, documentId))
  return row
}

export async function findDocumentByKey(db: AppDb, idempotencyKey: string) {
  const [row] = await db.select().from(invoiceDocuments).where(eq(invoiceDocuments.idempotencyKey, idempotencyKey))
  return row
}

export async function listTitles(db: AppDb, userId: number) {
  return db.select().from(invoiceTitles).where(eq(invoiceTitles.userId, userId)).orderBy(desc(invoiceTitles.updatedAt)).limit(20)
}

export async function saveTitle(
  db: AppDb | Tx,
  userId: number,
  details: { titleType: 'personal' | 'unit'; title: string; taxpayerId: string | null; email: string },
  now: Date,
) {
  await db
    .insert(invoiceTitles)
    .values({ userId, titleType: details.titleType, title: details.title, taxpayerId: details.taxpayerId ?? '', email: details.email, updatedAt: now })
    .onConflictDoUpdate({
      target: [invoiceTitles.userId, invoiceTitles.titleType, invoiceTitles.title, invoiceTitles.taxpayerId],
      set: { email: details.email, updatedAt: now },
    })
}

export async function deleteTitle(db: AppDb, userId: number, titleId: number): Promise<boolean> {
  const rows = await db.delete(invoiceTitles).where(and(eq(invoiceTitles.id, titleId), eq(invoiceTitles.userId, userId))).returning({ id: invoiceTitles.id })
  return rows.length > 0
}
