import type { ApplyInvoiceBody, Invoice, InvoiceDetails, InvoiceOrderList, InvoiceTitle, SendInvoiceEmailResult } from '@app/shared/invoices'
import { http } from './http.ts'

// 我的发票 (INV-1 … INV-3). Every route needs the signed-in buyer; answers are scoped to them.

/** GET /api/invoices: the buyer's paid orders, each with its invoice (or why 「申请开票」 is not possible). */
export function fetchInvoiceOrders(signal?: AbortSignal): Promise<InvoiceOrderList> {
  return http.get<InvoiceOrderList>('/invoices', { signal })
}

/**
 * POST /api/invoices: 「申请开票」 (201). 409 INVOICE_NOT_ALLOWED (the message names the rule, e.g.
 * 不能跨年补开发票), INVOICE_ALREADY_APPLIED, TAXPAYER_ID_UNCONFIRMED (ask, then send
 * confirmTaxpayerId); 400 INVOICE_INVALID.
 */
export function applyInvoice(body: ApplyInvoiceBody): Promise<Invoice> {
  return http.post<Invoice>('/invoices', body)
}

/** GET /api/invoices/:id: 查看发票, with a fresh signed PDF link. */
export function fetchInvoice(id: number, signal?: AbortSignal): Promise<Invoice> {
  return http.get<Invoice>(`/invoices/${id}`, { signal })
}

/** POST /api/invoices/:id/modification: 「修改发票」 (红冲 + a new invoice); 409 names the rule. */
export function modifyInvoice(id: number, details: InvoiceDetails): Promise<Invoice> {
  return http.post<Invoice>(`/invoices/${id}/modification`, details)
}

/** GET /api/invoices/titles: saved 发票抬头. */
export async function fetchInvoiceTitles(signal?: AbortSignal): Promise<InvoiceTitle[]> {
  return (await http.get<{ titles: InvoiceTitle[] }>('/invoices/titles', { signal })).titles
}

/**
 * POST /api/invoices/:id/email: 「发送到邮箱」, the PDF in force to `email` (the invoice's own when
 * omitted). 429 INVOICE_EMAIL_LIMITED (a minute apart, 10 a day), 400 INVOICE_INVALID (the address).
 */
export function sendInvoiceEmail(id: number, email: string): Promise<SendInvoiceEmailResult> {
  return http.post<SendInvoiceEmailResult>(`/invoices/${id}/email`, { email })
}
