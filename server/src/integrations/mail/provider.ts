/**
 * The app-facing mail seam: invoices are e-mailed to the address the buyer gave (INV-1). Which
 * service delivers them is configuration; in development a table-backed outbox stands in.
 */
export interface MailMessage {
  to: string
  subject: string
  text: string
  attachments: Array<{ filename: string; contentType: string; content: Uint8Array }>
}

export interface MailProvider {
  readonly name: string
  /** Sends one message; throws on failure (the caller retries later). Never logs the address. */
  send(message: MailMessage): Promise<void>
}
