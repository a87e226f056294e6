import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, TimestampSchema } from './common.ts'
import { MAX_GROUP_TEXT_LENGTH } from './group-lines.ts'
import { OrderSchema } from './orders.ts'
import { ClosedObject, ListOf, Nullable } from './schema-helpers.ts'

/** 团体购买 and 团购订单 API shapes (GRP-1 … GRP-4); the line rules are in group-lines.ts. */

export const GroupCheckBodySchema = ClosedObject({ projectId: IdSchema, text: Type.String({ minLength: 1, maxLength: MAX_GROUP_TEXT_LENGTH }) })
export type GroupCheckBody = Static<typeof GroupCheckBodySchema>

const FixCountsSchema = ClosedObject({ spaces: Type.Integer(), invisible: Type.Integer(), fullwidth: Type.Integer(), lowercase_x: Type.Integer() })
export type GroupFixCounts = Static<typeof FixCountsSchema>

export const GroupFailureSchema = ClosedObject({ line: Type.Integer(), input: Type.String(), reason: Type.String() })
export type GroupFailure = Static<typeof GroupFailureSchema>

export const GroupLearnerSchema = ClosedObject({ idNumberMasked: Type.String(), nameMasked: Type.String() })
export type GroupLearner = Static<typeof GroupLearnerSchema>

/**
 * 「立即购买」's answer. `created`: every line passed and the order exists. `rejected`: nothing was
 * created; counts, the first failures and a signed link to the whole error file.
 */
export const GroupCheckResultSchema = ClosedObject({
  outcome: Type.Union([Type.Literal('created'), Type.Literal('rejected')]),
  total: Type.Integer(),
  passed: Type.Integer(),
  failed: Type.Integer(),
  /** How many lines each fix was applied to. */
  fixes: FixCountsSchema,
  order: Type.Optional(OrderSchema),
  learners: Type.Optional(Type.Array(GroupLearnerSchema)),
  failures: Type.Optional(Type.Array(GroupFailureSchema)),
  errorFileUrl: Type.Optional(Type.String()),
})
export type GroupCheckResult = Static<typeof GroupCheckResultSchema>

/** Where a unit sends a 对公转账, shown with the order's own transfer reference (GRP-3). */
export const TransferInstructionsSchema = ClosedObject({
  accountName: Type.String(),
  accountNumber: Type.String(),
  bankName: Type.String(),
  /** To be written in the transfer's 附言/用途 so staff can match the receipt to the order. */
  reference: Type.String(),
  amountFen: FenSchema,
  confirmedAt: Nullable(TimestampSchema),
})
export type TransferInstructions = Static<typeof TransferInstructionsSchema>

export const GroupOrderSchema = ClosedObject({
  order: OrderSchema,
  learnerCount: Type.Integer(),
  /** Learners enrolled by this order (after payment; those who had bought meanwhile are not). */
  enrolledCount: Type.Integer(),
  completedCount: Type.Integer(),
  transfer: Nullable(TransferInstructionsSchema),
})
export type GroupOrder = Static<typeof GroupOrderSchema>

export const GroupOrderListSchema = ListOf('groupOrders', GroupOrderSchema)
export type GroupOrderList = Static<typeof GroupOrderListSchema>

export const GroupOrderLearnerSchema = ClosedObject({
  idNumberMasked: Type.String(),
  realName: Type.String(),
  /** enrolled by this order / covered otherwise (bought meanwhile: refunded to the unit) / not yet paid. */
  state: Type.Union([Type.Literal('enrolled'), Type.Literal('refund_due'), Type.Literal('unpaid')]),
  /** 计划完成度, percent of the required 学时. */
  percent: Type.Integer(),
  countedHours: Type.Number(),
  completed: Type.Boolean(),
})
export type GroupOrderLearner = Static<typeof GroupOrderLearnerSchema>

export const GroupOrderLearnerPageSchema = ClosedObject({
  learners: Type.Array(GroupOrderLearnerSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  /** Signed short-lived link to the whole list as .xlsx (works inside WeChat). */
  exportUrl: Type.String(),
})
export type GroupOrderLearnerPage = Static<typeof GroupOrderLearnerPageSchema>

export const ConfirmTransferBodySchema = ClosedObject({
  reference: Type.String({ minLength: 4, maxLength: 32 }),
  amountFen: Type.Integer({ minimum: 1 }),
  /** The bank's serial number of the receipt. */
  bankSerial: Type.String({ minLength: 1, maxLength: 64 }),
})
export type ConfirmTransferBody = Static<typeof ConfirmTransferBodySchema>
