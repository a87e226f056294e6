/**
 * The invoice-provider seam (INV-4). A provider issues blue invoices and red-letter (红冲) ones for
 * 数电票, asynchronously: `submit` hands a request over under our idempotency key (the provider
 * issues at most one invoice per key however often it is sent), `query` asks how it went, and a
 * provider may also call us back (`parseCallback`). Which vendor is used is configuration.
 */

export interface InvoiceParty {
  name: string
  taxpayerId: string | null
}

export interface InvoiceDocumentRequest {
  /** Our order number at the provider; the same on every retry. At most 20 of [0-9A-Za-z]. */
  idempotencyKey: string
  kind: 'blue' | 'red'
  seller: InvoiceParty
  buyer: InvoiceParty & { titleType: 'personal' | 'unit'; email: string }
  item: { name: string; taxCode: string; taxRateBasisPoints: number }
  /** Tax-inclusive total and the tax in it, in fen; positive for red-letter invoices too. */
  amountFen: number
  taxFen: number
  /** For a red-letter invoice: the blue one it reverses. */
  reverses?: { number: string; issuedAt: Date }
  /** Why a red-letter invoice is issued (开票有误 for a modification, 销货退回 for a refund). */
  redReason?: 'modify' | 'refund'
  /** When the request is made: providers print it as the date of issue when they issue at once. */
  requestedAt: Date
}

export type InvoiceResult =
  | { state: 'processing' }
  | { state: 'issued'; number: string; issuedAt: Date }
  | { state: 'failed'; reason: string }

/** A provider's document as stored by us, for fetching its file. */
export interface IssuedDocument {
  request: InvoiceDocumentRequest
  providerRef: string | null
  number: string
  issuedAt: Date
}

/** What a callback tells us: which request to look at now. Its content is not trusted further. */
export interface InvoiceCallback {
  idempotencyKey: string
}

export interface InvoiceProvider {
  readonly name: string
  /** Hands the request over; answers the provider's reference. Throws InvoiceProviderError. */
  submit(request: InvoiceDocumentRequest): Promise<{ providerRef: string | null }>
  /** The state of a submitted request, looked up by our key (and the provider's reference when known). */
  query(idempotencyKey: string, providerRef: string | null, kind?: 'blue' | 'red'): Promise<InvoiceResult>
  /** The invoice file (PDF). */
  fetchDocument(document: IssuedDocument): Promise<Uint8Array>
  /**
   * A callback from the provider, already read as text; null when it is not one. Callbacks are not
   * signed, so the caller only takes the key from it and asks the provider (`query`) what happened,
   * applying the answer idempotently (a callback may come before or after the job's own poll).
   */
  parseCallback?(body: string, contentType: string | undefined): InvoiceCallback | null
}

/**
 * Why a provider call failed. `transient` (timeouts, 5xx, rate limits): try again later with the
 * same key. Otherwise the provider refused the request and says why (shown to the learner as 失败).
 * The message never contains credentials; the provider's own text is kept for `reason`.
 */
export class InvoiceProviderError extends Error {
  constructor(
    readonly reason: string,
    readonly transient: boolean,
    readonly providerCode?: string,
  ) {
    super(reason)
    this.name = 'InvoiceProviderError'
  }
}
