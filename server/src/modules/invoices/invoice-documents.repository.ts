import { randomInt } from 'node:crypto'
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { invoiceDocuments, invoices } from '../../db/schema/invoices.ts'
import type { InvoiceDocumentState } from '../../db/schema/invoices.ts'
import type { InvoiceDocumentRow, InvoiceRow, Tx } from './invoices.repository.ts'
import { recordInvoiceNotice } from '../notices/notices.public.ts'

/**
 * Creating provider documents and applying their outcomes to the invoice. Every outcome is applied
 * with the document row locked and only from a non-final state, so a callback racing the job's
 * poll, or a retried poll, changes nothing the second time.
 */

const KEY_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** Our order number at the provider: FP + 16 random characters, stored before anything is sent. */
export function newIdempotencyKey(): string {
  let key = 'FP'
  for (let i = 0; i < 16; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]
  return key
}

type Buyer = Pick<InvoiceRow, 'titleType' | 'title' | 'taxpayerId' | 'email'>

export async function insertDocument(
  tx: Tx,
  invoice: InvoiceRow,
  kind: 'blue' | 'red',
  state: Extract<InvoiceDocumentState, 'pending' | 'waiting'>,
  buyer: Buyer,
  now: Date,
  reverses: { documentId: number; reason: 'modify' | 'refund' } | null = null,
) {
  const [row] = await tx
    .insert(invoiceDocuments)
    .values({
      invoiceId: invoice.id,
      kind,
      idempotencyKey: newIdempotencyKey(),
      reversesDocumentId: reverses?.documentId ?? null,
      redReason: reverses?.reason ?? null,
      titleType: buyer.titleType,
      title: buyer.title,
      taxpayerId: buyer.taxpayerId,
      email: buyer.email,
      itemName: invoice.itemName,
      taxCode: invoice.taxCode,
      taxRateBasisPoints: invoice.taxRateBasisPoints,
      amountFen: invoice.amountFen,
      taxFen: invoice.taxFen,
      state,
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning()
  if (!row) throw new Error('invoice document insert failed')
  return row
}

async function lockDocument(tx: Tx, documentId: number) {
  const [row] = await tx.select().from(invoiceDocuments).where(eq(invoiceDocuments.id, documentId)).for('update')
  return row
}

async function lockInvoice(tx: Tx, invoiceId: number) {
  const [row] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).for('update')
  if (!row) throw new Error(`invoice ${invoiceId} missing`)
  return row
}

const OPEN: InvoiceDocumentState[] = ['pending', 'submitted']

/** The provider issued the document. Answers false when it was already final (nothing changed). */
export async function applyIssued(tx: Tx, documentId: number, number: string, issuedAt: Date, now: Date): Promise<boolean> {
  const doc = await lockDocument(tx, documentId)
  if (!doc || !OPEN.includes(doc.state)) return false
  const invoice = await lockInvoice(tx, doc.invoiceId)
  await tx.update(invoiceDocuments).set({ state: 'issued', number, issuedAt, lastError: null }).where(eq(invoiceDocuments.id, doc.id))
  await recordInvoiceNotice(tx, invoice, doc.id, doc.kind, now)
  if (doc.kind === 'blue') {
    await tx
      .update(invoices)
      .set({ state: 'issued', number, issuedAt, failReason: null, reversal: null, updatedAt: now })
      .where(eq(invoices.id, invoice.id))
    return true
  }
  if (invoice.reversal === 'modify') {
    // The red-letter invoice is out: the modification's new blue one may now be issued.
    await tx
      .update(invoiceDocuments)
      .set({ state: 'pending', nextAttemptAt: now })
      .where(and(eq(invoiceDocuments.invoiceId, invoice.id), eq(invoiceDocuments.state, 'waiting')))
    await tx.update(invoices).set({ originalNumber: invoice.originalNumber ?? invoice.number, redNumber: number, updatedAt: now }).where(eq(invoices.id, invoice.id))
    return true
  }
  await tx.update(invoices).set({ state: 'reversed', redNumber: number, updatedAt: now }).where(eq(invoices.id, invoice.id))
  return true
}

/** The provider refused the document for good; the reason is shown to the learner. */
export async function applyFailed(tx: Tx, documentId: number, reason: string, now: Date): Promise<boolean> {
  const doc = await lockDocument(tx, documentId)
  if (!doc || !OPEN.includes(doc.state)) return false
  const invoice = await lockInvoice(tx, doc.invoiceId)
  const shortReason = reason.slice(0, 200)
  await tx.update(invoiceDocuments).set({ state: 'failed', failReason: shortReason }).where(eq(invoiceDocuments.id, doc.id))
  if (doc.kind === 'blue') {
    await tx.update(invoices).set({ state: 'failed', failReason: shortReason, reversal: null, updatedAt: now }).where(eq(invoices.id, invoice.id))
    return true
  }
  // A refused red-letter invoice leaves the blue one in force; a modification did not happen.
  await tx
    .update(invoiceDocuments)
    .set({ state: 'failed', failReason: '红冲未成功，未开具新发票' })
    .where(and(eq(invoiceDocuments.invoiceId, invoice.id), inArray(invoiceDocuments.state, ['waiting'])))
  await tx
    .update(invoices)
    .set({
      state: 'issued',
      failReason: `红冲失败：${shortReason}`,
      reversal: null,
      modifications: invoice.reversal === 'modify' ? Math.max(0, invoice.modifications - 1) : invoice.modifications,
      updatedAt: now,
    })
    .where(eq(invoices.id, invoice.id))
  return true
}

export type { InvoiceDocumentRow }

/** Keeps the provider's PDF with the document (fetched once). */
export async function storeDocumentFile(db: AppDb | Tx, documentId: number, bytes: Uint8Array): Promise<void> {
  await db.update(invoiceDocuments).set({ file: Buffer.from(bytes) }).where(eq(invoiceDocuments.id, documentId))
}

/**
 * Claims up to `batch` due open documents (FOR UPDATE SKIP LOCKED) and pushes their next look-up
 * ahead by the lease, so instances never work on the same document at once.
 */
export async function claimDueDocuments(db: AppDb, now: Date, claim: { batch: number; leaseMs: number }): Promise<InvoiceDocumentRow[]> {
  const due = db
    .select({ id: invoiceDocuments.id })
    .from(invoiceDocuments)
    .where(and(inArray(invoiceDocuments.state, ['pending', 'submitted']), lte(invoiceDocuments.nextAttemptAt, now)))
    .orderBy(asc(invoiceDocuments.nextAttemptAt))
    .limit(claim.batch)
    .for('update', { skipLocked: true })
  return db
    .update(invoiceDocuments)
    .set({ nextAttemptAt: new Date(now.getTime() + claim.leaseMs), attempts: sql`${invoiceDocuments.attempts} + 1` })
    .where(inArray(invoiceDocuments.id, due))
    .returning()
}

/** The next look at an open document (a final one is left alone). */
export async function reschedule(db: AppDb, doc: InvoiceDocumentRow, at: Date, patch: Partial<InvoiceDocumentRow> = {}): Promise<void> {
  await db
    .update(invoiceDocuments)
    .set({ ...patch, nextAttemptAt: at })
    .where(and(eq(invoiceDocuments.id, doc.id), inArray(invoiceDocuments.state, ['pending', 'submitted'])))
}

/** The provider accepted the document (only from pending). */
export async function markSubmitted(db: AppDb, documentId: number, providerRef: string | null): Promise<void> {
  await db
    .update(invoiceDocuments)
    .set({ state: 'submitted', providerRef, lastError: null })
    .where(and(eq(invoiceDocuments.id, documentId), eq(invoiceDocuments.state, 'pending')))
}
