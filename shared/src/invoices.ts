import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, PlainText, TimestampSchema } from './common.ts'
import { InvoiceTitleTypeSchema, OrderKindSchema } from './orders.ts'
import { ClosedObject, ListOf, Nullable } from './schema-helpers.ts'

/**
 * Electronic invoices (INV-1 … INV-4). One invoice per paid order; issuing is asynchronous, so the
 * learner sees one of these states. A modification (修改发票) is a red-letter invoice (红冲) of the
 * issued one followed by a new blue invoice: the state is 红冲中 until the new one is issued.
 */
export const InvoiceState = {
  REQUESTED: 'requested',
  ISSUED: 'issued',
  REVERSING: 'reversing',
  REVERSED: 'reversed',
  FAILED: 'failed',
} as const
export type InvoiceState = (typeof InvoiceState)[keyof typeof InvoiceState]

export const INVOICE_STATE_LABELS: Record<InvoiceState, string> = {
  requested: '申请中',
  issued: '已开具',
  reversing: '红冲中',
  reversed: '已红冲',
  failed: '开票失败',
}

/** An issued invoice may be modified this many times (the manual: 「可修改发票1次」). */
export const INVOICE_MAX_MODIFICATIONS = 1
/** …within this many calendar days after the day of issue (Asia/Shanghai), never across a year's end. */
export const INVOICE_MODIFY_WINDOW_DAYS = 15

const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** The calendar date in Asia/Shanghai (UTC+8 all year, no daylight saving). */
function shanghaiDate(at: Date): { year: number; dayNumber: number } {
  const shifted = at.getTime() + SHANGHAI_OFFSET_MS
  return { year: new Date(shifted).getUTCFullYear(), dayNumber: Math.floor(shifted / 86_400_000) }
}

/** Days since 1970 in Asia/Shanghai: two moments on one calendar day there have the same number. */
export function shanghaiDayNumber(at: Date): number {
  return shanghaiDate(at).dayNumber
}

export function shanghaiYear(at: Date): number {
  return shanghaiDate(at).year
}

/** Why an invoice cannot be applied for now, in the learner's words; null when it can (INV-3). */
export function applyRefusal(paidAt: Date, now: Date): string | null {
  const paidYear = shanghaiYear(paidAt)
  if (shanghaiYear(now) !== paidYear) return `不能跨年补开发票：该订单于${paidYear}年缴费，只能在${paidYear}年内申请发票`
  return null
}

/**
 * Why an issued invoice cannot be modified now; null when it can (INV-3). "Within 15 days": the
 * day of issue is day 0 and the 15 calendar days after it count (issued 1 March → through 16 March),
 * as periods are counted in Chinese rules; and only in the year of issue.
 */
export function modifyRefusal(issuedAt: Date, modifications: number, now: Date): string | null {
  if (modifications >= INVOICE_MAX_MODIFICATIONS) return `每张发票只能修改${INVOICE_MAX_MODIFICATIONS}次，该发票已修改过`
  const issued = shanghaiDate(issuedAt)
  const today = shanghaiDate(now)
  if (today.year !== issued.year) return '发票跨年不可修改'
  if (today.dayNumber - issued.dayNumber > INVOICE_MODIFY_WINDOW_DAYS) return `只能在开票后${INVOICE_MODIFY_WINDOW_DAYS}日内修改发票，已超过期限`
  return null
}

/** Tax in a tax-inclusive amount, rounded to the fen: amount × rate / (1 + rate); rate in basis points. */
export function taxIncluded(amountFen: number, rateBasisPoints: number): number {
  return Math.round((amountFen * rateBasisPoints) / (10_000 + rateBasisPoints))
}

/** What the learner types (or picks from WeChat) for an invoice: checked with invoice-rules.ts. */
const invoiceDetailsFields = {
  titleType: InvoiceTitleTypeSchema,
  // Plain strings at the edge: checkInvoiceDetails refuses control characters and markup with a
  // message that says so (the generic 400 of PlainText would not tell the learner what is wrong).
  title: Type.String({ maxLength: 100 }),
  taxpayerId: Type.Optional(Type.String({ maxLength: 30 })),
  email: Type.String({ maxLength: 100 }),
  /** The learner confirmed a taxpayer id whose check character did not match (taxpayerIdWarning). */
  confirmTaxpayerId: Type.Optional(Type.Boolean()),
  /** Keep these details as a reusable 发票抬头. */
  saveTitle: Type.Optional(Type.Boolean()),
}
export const InvoiceDetailsSchema = ClosedObject(invoiceDetailsFields)
export type InvoiceDetails = Static<typeof InvoiceDetailsSchema>

export const ApplyInvoiceBodySchema = ClosedObject({ orderId: IdSchema, ...invoiceDetailsFields })
export type ApplyInvoiceBody = Static<typeof ApplyInvoiceBodySchema>

const InvoiceStateSchema = Type.Union([
  Type.Literal(InvoiceState.REQUESTED),
  Type.Literal(InvoiceState.ISSUED),
  Type.Literal(InvoiceState.REVERSING),
  Type.Literal(InvoiceState.REVERSED),
  Type.Literal(InvoiceState.FAILED),
])

/** The 发票抬头 an invoice is made out to, as stored (and as a saved title offers it again). */
const invoiceTitleFields = {
  titleType: InvoiceTitleTypeSchema,
  title: Type.String(),
  taxpayerId: Nullable(Type.String()),
  email: Type.String(),
}

export const InvoiceSchema = ClosedObject({
  id: IdSchema,
  orderId: IdSchema,
  state: InvoiceStateSchema,
  /** Why issuing failed (失败), as the provider said it. */
  failReason: Nullable(Type.String()),
  ...invoiceTitleFields,
  itemName: Type.String(),
  amountFen: FenSchema,
  taxFen: FenSchema,
  /** The invoice number now in force (the new one after a modification). */
  number: Nullable(Type.String()),
  issuedAt: Nullable(TimestampSchema),
  /** After 修改发票: the original number (red-lettered) and the red-letter invoice's number. */
  originalNumber: Nullable(Type.String()),
  redNumber: Nullable(Type.String()),
  modifications: Type.Integer(),
  /** Null when the invoice can be modified now, else the rule that refuses it. */
  modifyRefusal: Nullable(Type.String()),
  /** Signed short-lived link to the PDF (opens inside WeChat without a token); null until issued. */
  pdfUrl: Nullable(Type.String()),
  createdAt: TimestampSchema,
})
export type Invoice = Static<typeof InvoiceSchema>

/** A paid order as 「我的发票」 lists it, with its invoice (null: none applied for yet). */
export const InvoiceOrderSchema = ClosedObject({
  orderId: IdSchema,
  outTradeNo: Type.String(),
  kind: OrderKindSchema,
  projectTitle: Type.String(),
  quantity: Type.Integer(),
  amountFen: FenSchema,
  paidAt: TimestampSchema,
  refunded: Type.Boolean(),
  invoice: Nullable(InvoiceSchema),
  /** Null when 「申请开票」 is possible now, else why not (e.g. 不能跨年补开发票). */
  applyRefusal: Nullable(Type.String()),
})
export type InvoiceOrder = Static<typeof InvoiceOrderSchema>

export const InvoiceOrderListSchema = ListOf('orders', InvoiceOrderSchema)
export type InvoiceOrderList = Static<typeof InvoiceOrderListSchema>

export const InvoiceTitleSchema = ClosedObject({ id: IdSchema, ...invoiceTitleFields })
export type InvoiceTitle = Static<typeof InvoiceTitleSchema>
export const InvoiceTitleListSchema = ListOf('titles', InvoiceTitleSchema)

/** 「发送到邮箱」: at most this many sends per invoice and Shanghai day, at least a minute apart. */
export const INVOICE_EMAILS_PER_DAY = 10
export const INVOICE_EMAIL_INTERVAL_SECONDS = 60

/** 「发送到邮箱」: the PDF in force to this address (the invoice's own address when omitted). */
export const SendInvoiceEmailBodySchema = ClosedObject({ email: Type.Optional(Type.String({ maxLength: 100 })) })
export type SendInvoiceEmailBody = Static<typeof SendInvoiceEmailBodySchema>
export const SendInvoiceEmailResultSchema = ClosedObject({ to: Type.String(), number: Type.String() })
export type SendInvoiceEmailResult = Static<typeof SendInvoiceEmailResultSchema>

export const DevMailOutboxQuerySchema = ClosedObject({ to: PlainText({ maxLength: 100 }) })
export const DevMailOutboxSchema = ClosedObject({
  messages: Type.Array(
    Type.Object({ to: Type.String(), subject: Type.String(), text: Type.String(), attachments: Type.Array(Type.String()), sentAt: TimestampSchema }),
  ),
})
