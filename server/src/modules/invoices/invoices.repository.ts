import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { invoiceDocuments, invoices, invoiceTitles } from '../../db/schema/invoices.ts'

export type InvoiceRow = typeof invoices.$inferSelect
export type InvoiceDocumentRow = typeof invoiceDocuments.$inferSelect
export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

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

/** The invoice row, locked for the caller's transaction. */
export async function lockInvoice(tx: AppDb | Tx, invoiceId: number): Promise<InvoiceRow | undefined> {
  const [row] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).for('update')
  return row
}

/** The order's invoice, locked for the caller's transaction. */
export async function lockInvoiceByOrder(tx: AppDb | Tx, orderId: number): Promise<InvoiceRow | undefined> {
  const [row] = await tx.select().from(invoices).where(eq(invoices.orderId, orderId)).for('update')
  return row
}

/** The order was refunded: its issued invoice is to be red-lettered. */
export async function markReversingForRefund(tx: AppDb | Tx, invoiceId: number, now: Date): Promise<void> {
  await tx.update(invoices).set({ state: 'reversing', reversal: 'refund', updatedAt: now }).where(eq(invoices.id, invoiceId))
}

/** 「发送到邮箱」 counted: the time and the count for the Shanghai day. */
export async function recordManualEmail(tx: AppDb | Tx, invoiceId: number, count: number, now: Date): Promise<void> {
  await tx.update(invoices).set({ manualEmailAt: now, manualEmailCount: count }).where(eq(invoices.id, invoiceId))
}

/** Issued invoices whose number has not been e-mailed yet. */
export async function invoicesDueByEmail(db: AppDb, limit: number): Promise<InvoiceRow[]> {
  return db
    .select()
    .from(invoices)
    .where(and(eq(invoices.state, 'issued'), isNotNull(invoices.number), sql`${invoices.emailedNumber} is distinct from ${invoices.number}`))
    .limit(limit)
}

/** Marks the invoice's number as e-mailed unless another instance did first (answers whether this one did). */
export async function claimEmail(db: AppDb, invoice: InvoiceRow): Promise<boolean> {
  const [claimed] = await db
    .update(invoices)
    .set({ emailedNumber: invoice.number })
    .where(and(eq(invoices.id, invoice.id), sql`${invoices.emailedNumber} is not distinct from ${invoice.emailedNumber}`))
    .returning({ id: invoices.id })
  return claimed !== undefined
}

/** Sending failed: the number is due again. */
export async function releaseEmail(db: AppDb, invoice: InvoiceRow): Promise<void> {
  await db.update(invoices).set({ emailedNumber: invoice.emailedNumber }).where(eq(invoices.id, invoice.id))
}

/** A new invoice row. */
export async function insertInvoice(tx: AppDb | Tx, values: typeof invoices.$inferInsert): Promise<InvoiceRow> {
  const [row] = await tx.insert(invoices).values(values).returning()
  if (!row) throw new Error('invoice insert failed')
  return row
}

/** Changes an invoice row and answers it as it is now. */
export async function updateInvoice(tx: AppDb | Tx, invoiceId: number, values: Partial<typeof invoices.$inferInsert>): Promise<InvoiceRow> {
  const [row] = await tx.update(invoices).set(values).where(eq(invoices.id, invoiceId)).returning()
  if (!row) throw new Error('invoice update failed')
  return row
}

/**
 * 注销账号 (privacy, inside its closure transaction, after the orders' locks): locks one of the
 * account's invoices the provider is still issuing or reversing, if any; whether there is one.
 */
export async function lockInvoiceInProgress(tx: AppDb | Tx, ownerUserId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.ownerUserId, ownerUserId), inArray(invoices.state, ['requested', 'reversing'])))
    .limit(1)
    .for('update')
  return !!row
}

/** 注销账号: the account's saved 发票抬头 go (inside the closure transaction); how many rows went. */
export async function deleteInvoiceTitles(tx: AppDb | Tx, userId: number): Promise<number> {
  const rows = await tx.delete(invoiceTitles).where(eq(invoiceTitles.userId, userId)).returning({ id: invoiceTitles.id })
  return rows.length
}
