import type { AppDb } from '../../db/client.ts'
import type { InvoiceProvider } from '../../integrations/invoice/provider.ts'
import type { MailProvider } from '../../integrations/mail/provider.ts'

/** Who sells, and what the invoice says is sold (INV-2): configuration, see docs/invoices.md. */
export interface InvoiceSettings {
  seller: { name: string; taxpayerId: string }
  itemName: string
  /** 税收分类编码, 19 digits. */
  taxCode: string
  taxRateBasisPoints: number
}

export interface InvoiceLog {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface InvoiceDeps {
  db: AppDb
  provider: InvoiceProvider
  mail: MailProvider
  settings: InvoiceSettings
  /** HMAC key for the short-lived PDF links, derived from the server secret. */
  fileLinkKey: string
  now: () => Date
  log: InvoiceLog
  /** Asks the job to look at due documents now (servers); tests drive the job themselves. */
  kick: () => void
}
