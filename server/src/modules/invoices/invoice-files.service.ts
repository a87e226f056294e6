import { InvoiceProviderError, type InvoiceDocumentRequest, type IssuedDocument } from '../../integrations/invoice/provider.ts'
import { storeDocumentFile } from './invoice-documents.repository.ts'
import { InvoiceFileUnavailableError, InvoiceNotFoundError } from './invoices.errors.ts'
import { findDocument, findOwnInvoice, type InvoiceDocumentRow } from './invoices.repository.ts'
import type { InvoiceDeps } from './invoices.types.ts'

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
  await storeDocumentFile(deps.db, doc.id, bytes)
  return bytes
}

/**
 * 发票 PDF: the document's file for its owner, or for anyone holding a valid signed link to this
 * document (`signedDocumentId`, checked by the route); anything else answers like a missing one.
 */
export async function invoiceFile(deps: Pick<InvoiceDeps, 'db' | 'settings' | 'provider'>, documentId: number, viewer: { userId: number } | { signedDocumentId: number }) {
  const doc = await findDocument(deps.db, documentId)
  if (!doc) throw new InvoiceNotFoundError()
  if (!('signedDocumentId' in viewer && viewer.signedDocumentId === doc.id)) {
    const own = 'userId' in viewer ? await findOwnInvoice(deps.db, viewer.userId, doc.invoiceId) : undefined
    if (!own) throw new InvoiceNotFoundError()
  }
  return { doc, bytes: await documentFile(deps, doc) }
}
