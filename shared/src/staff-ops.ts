import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, PlainText, RequiredText, TimestampSchema } from './common.ts'
import { ConsolePageQuerySchema } from './staff-console.ts'
import { BulkRegistrationResultSchema, type GoLiveReportSchema } from './staff.ts'
import { ClosedObject, Nullable } from './schema-helpers.ts'

/**
 * Schemas of the console's operations pages (docs/staff.md): 批量注册 runs and result sheets,
 * 发票 (list, 重试), 课程与项目 (content, 导入课程清单, 发布/下架). 系统检查 uses GoLiveReportSchema.
 */

const Page = <T extends ReturnType<typeof ClosedObject>>(item: T) =>
  ClosedObject({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })

/* 批量注册 */

export const BulkRegistrationRunListQuerySchema = ClosedObject({ ...ConsolePageQuerySchema })

/** One earlier run: who, which file, the counts. Rows are not kept (names of people never registered are not stored). */
export const BulkRegistrationRunSchema = ClosedObject({
  id: IdSchema,
  source: Type.Union([Type.Literal('cli'), Type.Literal('api')]),
  /** `staff:<id>` for the console and API, the --staff name for the command line. */
  staff: Type.String(),
  fileName: Type.String(),
  rows: Type.Integer(),
  created: Type.Integer(),
  existed: Type.Integer(),
  invalid: Type.Integer(),
  smsFailed: Type.Integer(),
  createdAt: TimestampSchema,
})
export type BulkRegistrationRun = Static<typeof BulkRegistrationRunSchema>
export const BulkRegistrationRunPageSchema = Page(BulkRegistrationRunSchema)
export type BulkRegistrationRunPage = Static<typeof BulkRegistrationRunPageSchema>

/** 下载结果: the outcome the upload answered, sent back to be written as a workbook (masked again on the server). */
export const BulkResultSheetBodySchema = ClosedObject({
  counts: BulkRegistrationResultSchema.properties.counts,
  rows: Type.Array(
    ClosedObject({
      line: Type.Integer({ minimum: 0, maximum: 100_000 }),
      name: PlainText({ maxLength: 100 }),
      idNumberMasked: PlainText({ maxLength: 40 }),
      phoneMasked: PlainText({ maxLength: 40 }),
      unit: PlainText({ maxLength: 200 }),
      outcome: Type.Union([Type.Literal('created'), Type.Literal('existed'), Type.Literal('invalid')]),
      reason: PlainText({ maxLength: 300 }),
      sms: Nullable(Type.Union([Type.Literal('sent'), Type.Literal('failed')])),
    }),
    { maxItems: 5_000 },
  ),
})
export type BulkResultSheetBody = Static<typeof BulkResultSheetBodySchema>

/* 发票 */

const InvoiceStateFilter = Type.Union([
  Type.Literal('requested'),
  Type.Literal('issued'),
  Type.Literal('reversing'),
  Type.Literal('reversed'),
  Type.Literal('failed'),
  /** Not a state: invoices whose provider request has been retried or waited on too long. */
  Type.Literal('stuck'),
])
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })

export const StaffInvoiceListQuerySchema = ClosedObject({
  state: Type.Optional(InvoiceStateFilter),
  outTradeNo: Type.Optional(PlainText({ minLength: 1, maxLength: 64 })),
  /** 申请日期 from / to, Shanghai calendar days, both included. */
  from: Type.Optional(DateText),
  to: Type.Optional(DateText),
  ...ConsolePageQuerySchema,
})
export type StaffInvoiceListQuery = Static<typeof StaffInvoiceListQuerySchema>

/** The provider request in progress or last made (blue or red-letter), as staff need it to judge a stuck invoice. */
export const StaffInvoiceDocumentSchema = ClosedObject({
  kind: Type.Union([Type.Literal('blue'), Type.Literal('red')]),
  state: Type.Union([Type.Literal('waiting'), Type.Literal('pending'), Type.Literal('submitted'), Type.Literal('issued'), Type.Literal('failed')]),
  /** Our request number at the provider: a retry sends the same one, so nothing is issued twice. */
  requestNo: Type.String(),
  attempts: Type.Integer(),
  /** The provider's refusal (final) or the last transient error (timeouts, 5xx). */
  providerMessage: Nullable(Type.String()),
  nextAttemptAt: TimestampSchema,
  createdAt: TimestampSchema,
})

export const StaffInvoiceSchema = ClosedObject({
  id: IdSchema,
  orderId: IdSchema,
  outTradeNo: Type.String(),
  state: Type.Union([Type.Literal('requested'), Type.Literal('issued'), Type.Literal('reversing'), Type.Literal('reversed'), Type.Literal('failed')]),
  titleType: Type.Union([Type.Literal('personal'), Type.Literal('unit')]),
  title: Type.String(),
  amountFen: FenSchema,
  number: Nullable(Type.String()),
  issuedAt: Nullable(TimestampSchema),
  /** 红冲: why (修改 / 退款), the first number and the red-letter invoice's number. */
  reversal: Nullable(Type.Union([Type.Literal('modify'), Type.Literal('refund')])),
  originalNumber: Nullable(Type.String()),
  redNumber: Nullable(Type.String()),
  failReason: Nullable(Type.String()),
  /** An open request retried or waiting too long (see docs/staff.md, 发票). */
  stuck: Type.Boolean(),
  /** Whether 重试 applies: a failed blue invoice, or an open request. */
  retryable: Type.Boolean(),
  document: Nullable(StaffInvoiceDocumentSchema),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
})
export type StaffInvoice = Static<typeof StaffInvoiceSchema>
export const StaffInvoicePageSchema = Page(StaffInvoiceSchema)
export type StaffInvoicePage = Static<typeof StaffInvoicePageSchema>

export const StaffInvoiceRetryBodySchema = ClosedObject({ reason: RequiredText(200) })
export const StaffInvoiceRetrySchema = ClosedObject({
  /** `reissued`: a failed invoice asked again under a new request number; `nudged`: the open request is sent again now under its own number; `nothing_to_do`: already issued or in progress after another retry. */
  outcome: Type.Union([Type.Literal('reissued'), Type.Literal('nudged'), Type.Literal('nothing_to_do')]),
  invoice: StaffInvoiceSchema,
})
export type StaffInvoiceRetry = Static<typeof StaffInvoiceRetrySchema>

/* 课程与项目 */

export const StaffProjectListQuerySchema = ClosedObject({
  /** Only projects with a course whose question bank is empty. */
  emptyBanksOnly: Type.Optional(Type.Boolean()),
  ...ConsolePageQuerySchema,
})
export type StaffProjectListQuery = Static<typeof StaffProjectListQuerySchema>

export const StaffChapterSchema = ClosedObject({ id: IdSchema, code: Type.String(), title: Type.String(), durationSeconds: Type.Integer() })
export const StaffCourseSchema = ClosedObject({
  id: IdSchema,
  code: Type.String(),
  title: Type.String(),
  hours: Type.Number(),
  /** 防挂机 questions are a bank per course: every chapter of a course with 0 asks none. */
  questionCount: Type.Integer(),
  chapters: Type.Array(StaffChapterSchema),
})
export const StaffProjectSchema = ClosedObject({
  id: IdSchema,
  code: Type.String(),
  title: Type.String(),
  categoryName: Type.String(),
  year: Type.Integer(),
  priceFen: FenSchema,
  requiredHours: Type.Number(),
  published: Type.Boolean(),
  /** Chapters whose course has no question. */
  chaptersWithoutQuestions: Type.Integer(),
  courses: Type.Array(StaffCourseSchema),
})
export type StaffProject = Static<typeof StaffProjectSchema>
export const StaffProjectPageSchema = Page(StaffProjectSchema)
export type StaffProjectPage = Static<typeof StaffProjectPageSchema>

export const StaffProjectPublishBodySchema = ClosedObject({ published: Type.Boolean(), reason: RequiredText(200) })
export type StaffProjectPublishBody = Static<typeof StaffProjectPublishBodySchema>

const ImportCountsSchema = ClosedObject({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), notInManifest: Type.Integer() })
/** 导入课程清单: what the import did, per kind (as `import-content` prints it). */
export const StaffContentImportSchema = ClosedObject({
  categories: ImportCountsSchema,
  projects: ImportCountsSchema,
  courses: ImportCountsSchema,
  chapters: ImportCountsSchema,
  questions: ImportCountsSchema,
})
export type StaffContentImport = Static<typeof StaffContentImportSchema>

/** What an upload to `POST /api/staff/bulk-registrations` answers (the console shows and downloads it). */
export type BulkRegistrationOutcome = Static<typeof BulkRegistrationResultSchema>
/** 系统检查: the go-live report as the console shows it. */
export type GoLiveReportView = Static<typeof GoLiveReportSchema>
