import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, RequiredText, TimestampSchema } from './common.ts'
import { ClosedObject, Nullable } from './schema-helpers.ts'

/**
 * Learners' rights (PIPL art. 44–47): 「我的个人信息」 shows what the platform holds about the
 * learner and offers it as a workbook; 「注销账号」 closes the account after checks. Staff see the
 * closure records and close a refused one once its cause is resolved.
 */

/** `?reveal=true`: the owner tapped 「显示完整号码」; otherwise ID number and phone are masked. */
export const MyDataQuerySchema = ClosedObject({ reveal: Type.Optional(Type.Boolean({ default: false })) })
export type MyDataQuery = Static<typeof MyDataQuerySchema>

export const MyProfileSchema = ClosedObject({
  realName: Type.String(),
  idNumber: Type.String(),
  phone: Type.String(),
  /** True when idNumber and phone are shown in full (the owner asked). */
  revealed: Type.Boolean(),
  registeredAt: TimestampSchema,
  wechatBound: Type.Boolean(),
  wechatBoundAt: Nullable(TimestampSchema),
})

export const MyOrderRecordSchema = ClosedObject({
  outTradeNo: Type.String(),
  kind: Type.String(),
  projectTitle: Type.String(),
  quantity: Type.Integer(),
  amountFen: FenSchema,
  status: Type.String(),
  createdAt: TimestampSchema,
  paidAt: Nullable(TimestampSchema),
  refundedFen: FenSchema,
})

/** 学习记录 per plan: the hours counted and when it was completed. */
export const MyPlanRecordSchema = ClosedObject({
  projectTitle: Type.String(),
  year: Type.Integer(),
  requiredHours: Type.Number(),
  countedHours: Type.Number(),
  enrolledAt: TimestampSchema,
  completedAt: Nullable(TimestampSchema),
})

/** 学习记录 per course: its hours, the minutes of video credited, and when it was completed. */
export const MyCourseRecordSchema = ClosedObject({
  projectTitle: Type.String(),
  courseTitle: Type.String(),
  hours: Type.Number(),
  creditedMinutes: Type.Integer(),
  completedAt: Nullable(TimestampSchema),
})

export const MyCertificateRecordSchema = ClosedObject({
  number: Type.String(),
  projectTitle: Type.String(),
  year: Type.Integer(),
  hours: Type.Number(),
  realName: Type.String(),
  /** As printed on the certificate; masked unless revealed. */
  idNumber: Type.String(),
  organisationName: Type.String(),
  issuedOn: Type.String(),
})

export const MyInvoiceRecordSchema = ClosedObject({
  outTradeNo: Type.String(),
  state: Type.String(),
  titleType: Type.String(),
  title: Type.String(),
  taxpayerId: Nullable(Type.String()),
  email: Type.String(),
  amountFen: FenSchema,
  number: Nullable(Type.String()),
  issuedAt: Nullable(TimestampSchema),
})

export const MyInvoiceTitleRecordSchema = ClosedObject({
  titleType: Type.String(),
  title: Type.String(),
  taxpayerId: Type.String(),
  email: Type.String(),
})

export const MyConsentRecordSchema = ClosedObject({
  policyVersion: Type.String(),
  kind: Type.String(),
  grantedAt: TimestampSchema,
  client: Type.String(),
})

/** 我的个人信息: everything the platform holds about the signed-in learner, their own rows only. */
export const MyDataSchema = ClosedObject({
  profile: MyProfileSchema,
  orders: Type.Array(MyOrderRecordSchema),
  plans: Type.Array(MyPlanRecordSchema),
  courses: Type.Array(MyCourseRecordSchema),
  certificates: Type.Array(MyCertificateRecordSchema),
  invoices: Type.Array(MyInvoiceRecordSchema),
  invoiceTitles: Type.Array(MyInvoiceTitleRecordSchema),
  consents: Type.Array(MyConsentRecordSchema),
})
export type MyData = Static<typeof MyDataSchema>

/** A short-lived signed link to the workbook, opened as a plain navigation (WeChat cannot send the token with a download). */
export const MyDataExportLinkSchema = ClosedObject({ url: Type.String(), expiresAt: TimestampSchema })
export type MyDataExportLink = Static<typeof MyDataExportLinkSchema>

/** One check that stands in the way of 注销账号: its stable code and what to do, in Chinese. */
export const ClosureBlockerSchema = ClosedObject({ code: Type.String(), message: Type.String() })
export type ClosureBlocker = Static<typeof ClosureBlockerSchema>

/** Whether the account can be closed now, and what is removed and kept (the confirmation dialog shows it). */
export const ClosureCheckSchema = ClosedObject({
  allowed: Type.Boolean(),
  blockers: Type.Array(ClosureBlockerSchema),
  removed: Type.Array(Type.String()),
  kept: Type.Array(ClosedObject({ what: Type.String(), why: Type.String() })),
})
export type ClosureCheck = Static<typeof ClosureCheckSchema>

/** 注销账号: the account's password again, and the words the learner confirmed. */
export const CloseAccountBodySchema = ClosedObject({
  password: RequiredText(128),
  confirm: Type.Literal(true),
})
export type CloseAccountBody = Static<typeof CloseAccountBodySchema>

export const AccountClosedSchema = ClosedObject({ closedAt: TimestampSchema })

// Staff side.

export const ClosureStatusSchema = Type.Union([Type.Literal('refused'), Type.Literal('closed')])

export const StaffClosureListQuerySchema = ClosedObject({
  status: Type.Optional(ClosureStatusSchema),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
})
export type StaffClosureListQuery = Static<typeof StaffClosureListQuerySchema>

/** A closure record as staff see it: the account by id, its name and phone masked (and gone once closed). */
export const StaffClosureSchema = ClosedObject({
  id: IdSchema,
  userId: IdSchema,
  status: ClosureStatusSchema,
  blockers: Type.Array(Type.String()),
  realNameMasked: Type.String(),
  phoneMasked: Nullable(Type.String()),
  requestedAt: TimestampSchema,
  closedAt: Nullable(TimestampSchema),
  closedBy: Nullable(Type.String()),
  staffId: Nullable(IdSchema),
  note: Nullable(Type.String()),
})
export type StaffClosure = Static<typeof StaffClosureSchema>

export const StaffClosureListSchema = ClosedObject({
  closures: Type.Array(StaffClosureSchema),
  total: Type.Integer({ minimum: 0 }),
  page: Type.Integer({ minimum: 1 }),
  pageSize: Type.Integer({ minimum: 1 }),
})

/** Staff close a refused request after resolving its cause; the note says how (no personal data). */
export const StaffCloseAccountBodySchema = ClosedObject({ note: RequiredText(200) })
export type StaffCloseAccountBody = Static<typeof StaffCloseAccountBodySchema>

export const StaffCloseAccountParamsSchema = ClosedObject({ id: IdSchema })
