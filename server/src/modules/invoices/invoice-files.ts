import { eq } from 'drizzle-orm'
import { isValidLinkSignature, signLink } from '../../core/signed-links.ts'
import { invoiceDocuments } from '../../db/schema.ts'
import { InvoiceProviderError, type InvoiceDocumentRequest, type IssuedDocument } from '../../integrations/invoice/provider.ts'
import { InvoiceFileUnavailableError } from './invoices.errors.ts'
import { findDocument, type InvoiceDocumentRow } from './invoices.repository.ts'
import type { InvoiceDeps } from './invoices.types.ts'

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

/** What the provider was (or will be) asked for this document; the same on every retry. */
export async function documentRequest(deps: Pick<InvoiceDeps, 'db' | 'settings'>, doc: InvoiceDocumentRow): Promise<InvoiceDocumentRequest> {
  const reversed = doc.reversesDocumentId ? await findDocument(deps.db, doc.reversesDocumentId) : undefined
  return {
    idempotencyKey: doc.idempotencyKey,
    kind: doc.kind,
    seller: deps.settings.seller,
    buyer: { titleType: doc.titleType, name: doc.title, taxpayerId: doc.taxpayerId, email: doc.email },
    item: { name: doc.itemName, taxCode: doc.taxCode, taxRateBasisPoints: doc.taxRateBasisPoints },
    amountFen: doc.amountFen,
    taxFen: doc.taxFen,
    ...(reversed?.number && reversed.issuedAt ? { reverses: { number: reversed.number, issuedAt: reversed.issuedAt } } : {}),
    ...(doc.redReason ? { redReason: doc.redReason } : {}),
    requestedAt: doc.createdAt,
  }
}

/** The PDF of an issued document, from our copy or else from the provider (then kept). */
export async function documentFile(deps: Pick<InvoiceDeps, 'db' | 'settings' | 'provider'>, doc: InvoiceDocumentRow): Promise<Uint8Array> {
  if (doc.file) return doc.file
  if (doc.state !== 'issued' || !doc.number || !doc.issuedAt) throw new InvoiceFileUnavailableError()
  const issued: IssuedDocument = { request: await documentRequest(deps, doc), providerRef: doc.providerRef, number: doc.number, issuedAt: doc.issuedAt }
  let bytes: Uint8Array
  try {
    bytes = await deps.provider.fetchDocument(issued)
  } catch (error) {
    if (error instanceof InvoiceProviderError) throw new InvoiceFileUnavailableError()
    throw error
  }
  await deps.db.update(invoiceDocuments).set({ file: Buffer.from(bytes) }).where(eq(invoiceDocuments.id, doc.id))
  return bytes
}
