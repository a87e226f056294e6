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

/**
 * Money owed back to the unit from a paid group order: seats of learners who had bought for
 * themselves by the time the payment arrived (and, for a transfer, a duplicate or higher amount).
 * `wechat_pay`: returned automatically to the paying WeChat account; `staff`: returned by staff to
 * the unit's account (对公转账).
 */
export const GroupRefundSummarySchema = ClosedObject({
  seats: Type.Integer({ minimum: 0 }),
  amountFen: FenSchema,
  returnedFen: FenSchema,
  by: Type.Union([Type.Literal('wechat_pay'), Type.Literal('staff')]),
})
export type GroupRefundSummary = Static<typeof GroupRefundSummarySchema>

export const GroupOrderSchema = ClosedObject({
  order: OrderSchema,
  /** Learners charged for (taken off before payment: see droppedCount). */
  learnerCount: Type.Integer(),
  /** Learners taken off before payment because they had bought for themselves: not charged. */
  droppedCount: Type.Integer(),
  refund: Nullable(GroupRefundSummarySchema),
  /** Learners enrolled by this order (after payment; those who had bought meanwhile are not). */
  enrolledCount: Type.Integer(),
  completedCount: Type.Integer(),
  transfer: Nullable(TransferInstructionsSchema),
})
export type GroupOrder = Static<typeof GroupOrderSchema>

export const GroupOrderListSchema = ListOf('groupOrders', GroupOrderSchema)
export type GroupOrderList = Static<typeof GroupOrderListSchema>

/**
 * One learner of a group order. Before the order is paid the buyer sees only what the list itself
 * held: the name masked (张*明), no state beyond 待支付, no progress (null).
 */
export const GroupOrderLearnerSchema = ClosedObject({
  idNumberMasked: Type.String(),
  /** The full name once the order is paid; masked (张*明) before. */
  realName: Type.String(),
  /**
   * enrolled by this order / taken off before payment (had bought for themselves, not charged) /
   * seat paid but not needed (bought for themselves meanwhile): being returned, or returned / not yet paid.
   */
  state: Type.Union([Type.Literal('enrolled'), Type.Literal('dropped'), Type.Literal('refund_due'), Type.Literal('refunded'), Type.Literal('unpaid')]),
  /** 计划完成度, percent of the required 学时; null before payment and for learners this order did not enrol. */
  percent: Nullable(Type.Integer()),
  countedHours: Nullable(Type.Number()),
  completed: Nullable(Type.Boolean()),
})
export type GroupOrderLearner = Static<typeof GroupOrderLearnerSchema>

export const GroupOrderLearnerPageSchema = ClosedObject({
  learners: Type.Array(GroupOrderLearnerSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  /** Names are masked until the order is paid. */
  namesMasked: Type.Boolean(),
  /** Signed short-lived link to the whole list as .xlsx (works inside WeChat); null until the order is paid. */
  exportUrl: Nullable(Type.String()),
})
export type GroupOrderLearnerPage = Static<typeof GroupOrderLearnerPageSchema>

export const ConfirmTransferBodySchema = ClosedObject({
  reference: Type.String({ minLength: 4, maxLength: 32 }),
  amountFen: Type.Integer({ minimum: 1 }),
  /** The bank's serial number of the receipt. */
  bankSerial: Type.String({ minLength: 1, maxLength: 64 }),
})
export type ConfirmTransferBody = Static<typeof ConfirmTransferBodySchema>

/**
 * For the learner, on the page where they buy: whether a unit's 团体购买 order that lists them is
 * waiting for payment. It reserves nothing (they can buy for themselves); the buyer is not named.
 */
export const GroupOrderNoticeSchema = ClosedObject({
  pendingGroupOrder: Type.Boolean(),
})
export type GroupOrderNotice = Static<typeof GroupOrderNoticeSchema>
