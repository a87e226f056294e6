import { index, integer, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import type { InvoiceState } from '@app/shared'
import { bytea, requiredRef, timestamptz } from './columns.ts'
import { orders } from './orders.ts'
import { users } from './users.ts'

export type TitleType = 'personal' | 'unit'

/** What an invoice says: the learner's invoice and each document sent to the provider carry it. */
const invoiceContent = () => ({
  titleType: text().$type<TitleType>().notNull(),
  title: text().notNull(),
  taxpayerId: text(),
  email: text().notNull(),
  itemName: text().notNull(),
  taxCode: text().notNull(),
  taxRateBasisPoints: integer().notNull(),
  amountFen: integer().notNull(),
  taxFen: integer().notNull(),
})

/** A saved 发票抬头 a learner (or a unit's buyer) reuses on later applications (INV-1). */
export const invoiceTitles = pgTable(
  'invoice_titles',
  {
    id: serial().primaryKey(),
    userId: requiredRef(() => users.id),
    titleType: text().$type<TitleType>().notNull(),
    title: text().notNull(),
    /** '' for personal titles, so the unique index below also covers them. */
    taxpayerId: text().notNull().default(''),
    email: text().notNull(),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [uniqueIndex('invoice_titles_one_per_title').on(t.userId, t.titleType, t.title, t.taxpayerId)],
)

/**
 * The invoice of one paid order, as the learner sees it (INV-2): at most one per order, a rule of
 * the database. Its documents (below) are what the provider actually issues: a blue invoice, and
 * after 修改发票 or a refund a red-letter one (and after 修改发票 a new blue one).
 */
export const invoices = pgTable(
  'invoices',
  {
    id: serial().primaryKey(),
    orderId: requiredRef(() => orders.id),
    ownerUserId: requiredRef(() => users.id),
    state: text().$type<InvoiceState>().notNull(),
    failReason: text(),
    ...invoiceContent(),
    /** The blue invoice in force, once issued. */
    number: text(),
    issuedAt: timestamptz(),
    /** After a modification: the first blue number and its red-letter invoice's number, kept for the learner. */
    originalNumber: text(),
    redNumber: text(),
    modifications: integer().notNull().default(0),
    /** Why a red-letter invoice was asked for. */
    reversal: text().$type<'modify' | 'refund'>(),
    /** The number last e-mailed to the buyer: a retried job never sends the same invoice twice. */
    emailedNumber: text(),
    /** 「发送到邮箱」 asked by the learner: when last, and how often on that Shanghai day (a limit). */
    manualEmailAt: timestamptz(),
    manualEmailCount: integer().notNull().default(0),
    createdAt: timestamptz().notNull(),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [uniqueIndex('invoices_one_per_order').on(t.orderId), index().on(t.ownerUserId)],
)

export type InvoiceDocumentState = 'waiting' | 'pending' | 'submitted' | 'issued' | 'failed'

/**
 * One request to the invoice provider, driven by the invoice job (invoices.job.ts). `waiting`: the
 * new blue invoice of a modification, until its red-letter one is issued; `pending`: to be sent;
 * `submitted`: accepted, result to be polled (or called back); `issued` / `failed`: final. The
 * idempotency key is our order number at the provider: a retry after a timeout sends the same key,
 * so the provider issues at most one invoice for it.
 */
export const invoiceDocuments = pgTable(
  'invoice_documents',
  {
    id: serial().primaryKey(),
    invoiceId: requiredRef(() => invoices.id),
    kind: text().$type<'blue' | 'red'>().notNull(),
    idempotencyKey: text().notNull().unique(),
    /** For a red-letter document: the blue one it reverses. */
    reversesDocumentId: integer(),
    /** For a red-letter document: 修改发票 (开票有误) or a refund (销货退回). */
    redReason: text().$type<'modify' | 'refund'>(),
    ...invoiceContent(),
    state: text().$type<InvoiceDocumentState>().notNull(),
    providerRef: text(),
    number: text(),
    issuedAt: timestamptz(),
    failReason: text(),
    attempts: integer().notNull().default(0),
    /** When the job next looks at it; also a lease: a claimed row is pushed ahead while it is worked on. */
    nextAttemptAt: timestamptz().notNull(),
    lastError: text(),
    /** The provider's PDF, kept once fetched so every instance serves the same bytes. */
    file: bytea(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.invoiceId), index('invoice_documents_due').on(t.state, t.nextAttemptAt)],
)

/** Development mail outbox (no mail provider configured): read by tests and at /api/dev/mail-outbox. */
export const devMailOutbox = pgTable(
  'dev_mail_outbox',
  {
    id: serial().primaryKey(),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    attachments: text().array().notNull(),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.to)],
)

/**
 * Access tokens of outside services that limit how often one may be fetched (诺诺: about 50 a
 * month per app): one row per service, shared by every server instance and kept across restarts.
 * The instance that finds it missing or about to expire refreshes it under the row's lock.
 */
export const providerAccessTokens = pgTable('provider_access_tokens', {
  name: text().primaryKey(),
  token: text().notNull(),
  expiresAt: timestamptz().notNull(),
  refreshedAt: timestamptz().notNull(),
})
