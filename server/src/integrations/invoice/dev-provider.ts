import { createHash } from 'node:crypto'
import type { InvoiceProvider } from './provider.ts'

/**
 * The built-in development provider: issues at once and renders a PDF marked 「测试票据」. It keeps
 * no state of its own: the number is derived from our idempotency key (so a retried request gets
 * the same number, as a real provider's would), and the job records when it was issued. Config
 * refuses it in production.
 */
export function createDevInvoiceProvider(now: () => Date): InvoiceProvider {
  return {
    name: 'development',
    async submit(request) {
      return { providerRef: `DEV-${request.idempotencyKey}` }
    },
    async query(idempotencyKey) {
      return { state: 'issued', number: devInvoiceNumber(idempotencyKey, now()), issuedAt: now() }
    },
    async fetchDocument(document) {
      // pdf-lib and fontkit load on first use: ~35 MB an instance does not need until then.
      const { renderDevInvoicePdf } = await import('./dev-document.ts')
      return renderDevInvoicePdf(document)
    },
  }
}

/** 20 digits like a 数电票 number: the two-digit year, 99 (no tax region: a test ticket), 16 from the key. */
export function devInvoiceNumber(idempotencyKey: string, at: Date): string {
  const year = String(new Date(at.getTime() + 8 * 3600_000).getUTCFullYear()).slice(2)
  const digits = BigInt(`0x${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`).toString().padStart(20, '0')
  return `${year}99${digits.slice(-16)}`
}
