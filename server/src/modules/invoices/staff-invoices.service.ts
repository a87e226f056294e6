import type { StaffInvoice, StaffInvoiceListQuery, StaffInvoicePage, StaffInvoiceRetry } from '@app/shared'
import { findOrderById, findOrderByOutTradeNo, outTradeNos } from '../orders/orders.read-model.ts'
import { recordStaffAction, type StaffPrincipal } from '../staff/staff.public.ts'
import { insertDocument } from './invoice-documents.repository.ts'
import { InvoiceNotAllowedError, InvoiceNotFoundError } from './invoices.errors.ts'
import { lockInvoice, updateInvoice, type InvoiceDocumentRow, type InvoiceRow } from './invoices.repository.ts'
import { orderApplyRefusal } from './invoices.service.ts'
import type { InvoiceDeps } from './invoices.types.ts'
import { dueNow, findInvoiceById, latestDocuments, listInvoicesForStaff, lockOpenDocument, STUCK_AFTER_ATTEMPTS, STUCK_AFTER_MS } from './staff-invoices.repository.ts'

/** 发票 in the staff console (docs/staff.md): every invoice by state, and 重试 for a failed or stuck one. */

const iso = (d: Date | null) => d?.toISOString() ?? null
const isOpen = (doc: InvoiceDocumentRow | undefined) => doc !== undefined && (doc.state === 'pending' || doc.state === 'submitted')

/** A Shanghai calendar day (UTC+8 all year) as the instant it starts. */
function shanghaiDayStart(date: string, plusDays = 0): Date {
  const start = new Date(`${date}T00:00:00+08:00`)
  return new Date(start.getTime() + plusDays * 86_400_000)
}

function toStaffInvoice(row: InvoiceRow, outTradeNo: string, doc: InvoiceDocumentRow | undefined, now: Date): StaffInvoice {
  const open = isOpen(doc)
  const stuck = open && doc !== undefined && (doc.attempts >= STUCK_AFTER_ATTEMPTS || now.getTime() - doc.createdAt.getTime() > STUCK_AFTER_MS)
  return {
    id: row.id,
    orderId: row.orderId,
    outTradeNo,
    state: row.state,
    titleType: row.titleType,
    title: row.title,
    amountFen: row.amountFen,
    number: row.number,
    issuedAt: iso(row.issuedAt),
    reversal: row.reversal,
    originalNumber: row.originalNumber,
    redNumber: row.redNumber,
    failReason: row.failReason,
    stuck,
    retryable: open || (row.state === 'failed' && doc?.kind !== 'red'),
    document: doc
      ? {
          kind: doc.kind,
          state: doc.state,
          requestNo: doc.idempotencyKey,
          attempts: doc.attempts,
          providerMessage: doc.failReason ?? doc.lastError,
          nextAttemptAt: doc.nextAttemptAt.toISOString(),
          createdAt: doc.createdAt.toISOString(),
        }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

async function describe(deps: Pick<InvoiceDeps, 'db'>, rows: InvoiceRow[], now: Date): Promise<StaffInvoice[]> {
  const [numbers, docs] = await Promise.all([
    outTradeNos(
      deps.db,
      rows.map((r) => r.orderId),
    ),
    latestDocuments(
      deps.db,
      rows.map((r) => r.id),
    ),
  ])
  return rows.map((row) => toStaffInvoice(row, numbers.get(row.orderId) ?? '', docs.get(row.id), now))
}

/** Invoices by state (or stuck), 订单号 and 申请日期, a page at a time. */
export async function listStaffInvoices(deps: Pick<InvoiceDeps, 'db' | 'now'>, query: StaffInvoiceListQuery): Promise<StaffInvoicePage> {
  const page = { page: query.page ?? 1, pageSize: query.pageSize ?? 20 }
  let orderId: number | undefined
  if (query.outTradeNo) {
    const order = await findOrderByOutTradeNo(deps.db, query.outTradeNo.trim())
    if (!order) return { items: [], total: 0, ...page }
    orderId = order.id
  }
  const now = deps.now()
  const { items, total } = await listInvoicesForStaff(
    deps.db,
    {
      ...(query.state ? { state: query.state } : {}),
      ...(orderId === undefined ? {} : { orderId }),
      ...(query.from ? { createdFrom: shanghaiDayStart(query.from) } : {}),
      ...(query.to ? { createdBefore: shanghaiDayStart(query.to, 1) } : {}),
    },
    page,
    now,
  )
  return { items: await describe(deps, items, now), total, ...page }
}

/**
 * 重试 (finance, admin). An open request (pending or submitted) is sent again now under its own
 * request number, so the provider, which issues at most one invoice per number, cannot issue twice;
 * a failed blue invoice is asked again with the same details under a new number — under the
 * invoice's row lock and only from `failed`, so a second click (or a second staff member) finds it
 * in progress and only nudges it. Audited in the same transaction (`invoice.retry`).
 */
export async function retryStaffInvoice(deps: InvoiceDeps, staff: StaffPrincipal, invoiceId: number, reason: string): Promise<StaffInvoiceRetry> {
  const now = deps.now()
  const outcome = await deps.db.transaction(async (tx) => {
    const invoice = await lockInvoice(tx, invoiceId)
    if (!invoice) throw new InvoiceNotFoundError()
    const open = await lockOpenDocument(tx, invoice.id)
    let result: StaffInvoiceRetry['outcome'] = 'nothing_to_do'
    if (open) {
      await dueNow(tx, open.id, now)
      result = 'nudged'
    } else if (invoice.state === 'failed') {
      const order = await findOrderById(tx, invoice.orderId)
      const refusal = order ? orderApplyRefusal(order, now) : '订单不存在'
      if (refusal) throw new InvoiceNotAllowedError(refusal)
      const updated = await updateInvoice(tx, invoice.id, { state: 'requested', failReason: null, updatedAt: now })
      await insertDocument(tx, updated, 'blue', 'pending', updated, now)
      result = 'reissued'
    }
    await recordStaffAction(tx, { staffId: staff.id, action: 'invoice.retry', target: `invoice:${invoice.id}`, detail: { outcome: result, orderId: invoice.orderId, reason } }, now)
    return result
  })
  if (outcome !== 'nothing_to_do') deps.kick()
  const row = await findInvoiceById(deps.db, invoiceId)
  return { outcome, invoice: (await describe(deps, row ? [row] : [], now))[0] as StaffInvoice }
}
