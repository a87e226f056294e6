import { isValidLinkSignature, signLink } from '../../core/signed-links.ts'

/**
 * Invoice PDFs: fetched from the provider once and kept with the document, and reached through
 * short-lived signed links, since WeChat's in-app browser opens a download or print as a plain URL
 * that cannot carry the access token (as certificate files do).
 */
export const INVOICE_LINK_TTL_SECONDS = 30 * 60

export function signedInvoiceUrl(key: string, documentId: number, now: Date): string {
  return signLink(key, `invoice-file:${documentId}`, `/api/invoices/files/${documentId}/invoice.pdf`, INVOICE_LINK_TTL_SECONDS, now)
}

export function isValidInvoiceLink(key: string, documentId: number, expires: number, sig: string, now: Date): boolean {
  return isValidLinkSignature(key, `invoice-file:${documentId}`, expires, sig, now)
}
