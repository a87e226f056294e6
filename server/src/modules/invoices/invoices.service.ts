import { eq } from 'drizzle-orm'
import {
  applyRefusal,
  checkInvoiceDetails,
  modifyRefusal,
  OrderStatus,
  taxIncluded,
  type CheckedInvoiceDetails,
  type InvoiceDetails,
} from '@app/shared'
import { invoices, orders } from '../../db/schema.ts'
import { isUniqueViolation } from '../../core/db-errors.ts'
import { insertDocument } from './invoice-documents.ts'
import {
  InvoiceAlreadyAppliedError,
  InvoiceDetailsInvalidError,
  InvoiceNotAllowedError,
  InvoiceNotFoundError,
  TaxpayerIdUnconfirmedError,
} from './invoices.errors.ts'
import { currentBlueDocument, findOwnInvoice, saveTitle, type InvoiceRow, type Tx } from './invoices.repository.ts'
import type { InvoiceDeps } from './invoices.types.ts'

export type CleanDetails = CheckedInvoiceDetails

/**
 * Checks typed (or WeChat-picked) invoice details with the shared rule (INV-1), the same one the
 * order's 「立即申请」 uses: a wrong format or markup is refused; a unified social credit code whose
 * check character does not match is refused only until the learner confirms it.
 */
export function cleanDetails(details: InvoiceDetails): CleanDetails {
  const checked = checkInvoiceDetails(details)
  if (checked.ok) return checked.details
  if (checked.kind === 'unconfirmed') throw new TaxpayerIdUnconfirmedError(checked.message)
  throw new InvoiceDetailsInvalidError(checked.message)
}

type OrderRow = typeof orders.$inferSelect

/** Why this order cannot get an invoice now (INV-2, INV-3), or null. */
export function orderApplyRefusal(order: Pick<OrderRow, 'status' | 'refundedFen' | 'paidAt'>, now: Date): string | null {
  if (order.status !== OrderStatus.PAID || order.refundedFen > 0 || !order.paidAt) return '只有已支付且未退款的订单可以申请发票'
  return applyRefusal(order.paidAt, now)
}

/** The amount the buyer paid (after any WeChat coupon), the invoice's tax-inclusive total. */
function paidAmount(order: OrderRow): number {
  return order.payerTotalFen ?? order.amountFen
}

/** Inserts the invoice of an order and its first blue document, in the caller's transaction. */
export async function createInvoice(tx: Tx, deps: Pick<InvoiceDeps, 'settings'>, order: OrderRow, details: CleanDetails, now: Date) {
  const amountFen = paidAmount(order)
  const [invoice] = await tx
    .insert(invoices)
    .values({
      orderId: order.id,
      ownerUserId: order.buyerUserId,
      state: 'requested',
      ...details,
      itemName: deps.settings.itemName,
      taxCode: deps.settings.taxCode,
      taxRateBasisPoints: deps.settings.taxRateBasisPoints,
      amountFen,
      taxFen: taxIncluded(amountFen, deps.settings.taxRateBasisPoints),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  if (!invoice) throw new Error('invoice insert failed')
  await insertDocument(tx, invoice, 'blue', 'pending', invoice, now)
  return invoice
}

/** 「申请开票」 (INV-2): one invoice per paid, unrefunded order, in the year of payment (INV-3). */
export async function applyForInvoice(deps: InvoiceDeps, userId: number, orderId: number, input: InvoiceDetails): Promise<InvoiceRow> {
  const details = cleanDetails(input)
  const now = deps.now()
  let invoice: InvoiceRow
  try {
    invoice = await deps.db.transaction(async (tx) => {
      const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
      if (!order || order.buyerUserId !== userId) throw new InvoiceNotFoundError()
      const refusal = orderApplyRefusal(order, now)
      if (refusal) throw new InvoiceNotAllowedError(refusal)
      const [existing] = await tx.select().from(invoices).where(eq(invoices.orderId, order.id)).for('update')
      if (existing && existing.state !== 'failed') throw new InvoiceAlreadyAppliedError()
      if (input.saveTitle) await saveTitle(tx, userId, details, now)
      if (!existing) return createInvoice(tx, deps, order, details, now)
      // A failed application is tried again with the details given now, under a new key.
      const [updated] = await tx
        .update(invoices)
        .set({ ...details, state: 'requested', failReason: null, updatedAt: now })
        .where(eq(invoices.id, existing.id))
        .returning()
      if (!updated) throw new Error('invoice update failed')
      await insertDocument(tx, updated, 'blue', 'pending', updated, now)
      return updated
    })
  } catch (error) {
    // Two concurrent applications for one order: the unique index lets one through.
    if (isUniqueViolation(error, 'invoices_one_per_order')) throw new InvoiceAlreadyAppliedError()
    throw error
  }
  deps.kick()
  return invoice
}

/**
 * 「修改发票」 (INV-3): once, within 15 days of issue, never across a year's end. A 数电票 cannot be
 * edited or voided: the issued one gets a red-letter invoice, then a new blue one is issued with
 * the new details (it waits until the red-letter one is out).
 */
export async function modifyInvoice(deps: InvoiceDeps, userId: number, invoiceId: number, input: InvoiceDetails): Promise<InvoiceRow> {
  const details = cleanDetails(input)
  const now = deps.now()
  const invoice = await deps.db.transaction(async (tx) => {
    const own = await findOwnInvoice(tx, userId, invoiceId)
    if (!own) throw new InvoiceNotFoundError()
    const [locked] = await tx.select().from(invoices).where(eq(invoices.id, own.id)).for('update')
    const [order] = await tx.select().from(orders).where(eq(orders.id, own.orderId))
    if (!locked || !order) throw new InvoiceNotFoundError()
    if (locked.state !== 'issued' || !locked.issuedAt) throw new InvoiceNotAllowedError('只有已开具的发票可以修改')
    if (order.status !== OrderStatus.PAID || order.refundedFen > 0) throw new InvoiceNotAllowedError('订单已退款，发票不能修改')
    const refusal = modifyRefusal(locked.issuedAt, locked.modifications, now)
    if (refusal) throw new InvoiceNotAllowedError(refusal)
    const blue = await currentBlueDocument(tx, locked.id)
    if (!blue) throw new InvoiceNotAllowedError('只有已开具的发票可以修改')
    if (input.saveTitle) await saveTitle(tx, userId, details, now)
    await insertDocument(tx, locked, 'red', 'pending', blue, now, { documentId: blue.id, reason: 'modify' })
    const [updated] = await tx
      .update(invoices)
      .set({ ...details, state: 'reversing', reversal: 'modify', modifications: locked.modifications + 1, failReason: null, updatedAt: now })
      .where(eq(invoices.id, locked.id))
      .returning()
    if (!updated) throw new Error('invoice update failed')
    await insertDocument(tx, updated, 'blue', 'waiting', updated, now)
    return updated
  })
  deps.kick()
  return invoice
}

/**
 * A refunded order's issued invoice is red-lettered (INV-3). Called from the refund notification
 * seam and by the job's sweep (which also catches invoices issued after the refund); idempotent.
 */
export async function reverseForRefund(deps: Pick<InvoiceDeps, 'db' | 'now' | 'kick'>, orderId: number): Promise<boolean> {
  const now = deps.now()
  const started = await deps.db.transaction(async (tx) => {
    const [invoice] = await tx.select().from(invoices).where(eq(invoices.orderId, orderId)).for('update')
    if (!invoice || invoice.state !== 'issued') return false
    const blue = await currentBlueDocument(tx, invoice.id)
    if (!blue) return false
    await insertDocument(tx, invoice, 'red', 'pending', blue, now, { documentId: blue.id, reason: 'refund' })
    await tx.update(invoices).set({ state: 'reversing', reversal: 'refund', updatedAt: now }).where(eq(invoices.id, invoice.id))
    return true
  })
  if (started) deps.kick()
  return started
}

/** The refund seam's entry: by our order number, as the refund notification names it. */
export async function reverseForRefundedOrder(deps: Pick<InvoiceDeps, 'db' | 'now' | 'kick'>, outTradeNo: string): Promise<boolean> {
  const [order] = await deps.db.select({ id: orders.id, status: orders.status }).from(orders).where(eq(orders.outTradeNo, outTradeNo))
  if (!order || order.status !== OrderStatus.REFUNDED) return false
  return reverseForRefund(deps, order.id)
}
