import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, PlainText, RequiredText, TimestampSchema } from './common.ts'
import { OrderKindSchema, OrderStatusSchema } from './orders.ts'
import { ClosedObject, Nullable } from './schema-helpers.ts'
import { ConsolePageQuerySchema } from './staff-console.ts'
import type { TransferConfirmationSchema } from './staff.ts'

/**
 * Schemas of the staff console's money pages (docs/staff.md): 订单与退款, 对公转账 and 团购订单. ID
 * numbers and phones leave the server masked; names of buyers are masked in lists too.
 */

const DateOnly = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })

/** A refund's state: ours until WeChat answers, then WeChat's (SUCCESS, CLOSED, ABNORMAL). */
export const StaffRefundStatusSchema = Type.Union([
  Type.Literal('requested'),
  Type.Literal('processing'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('closed'),
  Type.Literal('abnormal'),
])
export type StaffRefundStatus = Static<typeof StaffRefundStatusSchema>

/**
 * 订单与退款 search: an exact 订单号, or a learner (exact ID number or phone, or their account id
 * when opened from a learner's page), narrowed by kind, state and a date range (Beijing dates, inclusive).
 */
export const StaffOrderSearchQuerySchema = ClosedObject({
  outTradeNo: Type.Optional(PlainText({ maxLength: 32 })),
  by: Type.Optional(Type.Union([Type.Literal('id_number'), Type.Literal('phone')])),
  q: Type.Optional(PlainText({ maxLength: 40 })),
  userId: Type.Optional(IdSchema),
  kind: Type.Optional(OrderKindSchema),
  status: Type.Optional(OrderStatusSchema),
  from: Type.Optional(DateOnly),
  to: Type.Optional(DateOnly),
  ...ConsolePageQuerySchema,
})
export type StaffOrderSearchQuery = Static<typeof StaffOrderSearchQuerySchema>

/** Who bought: the learner (个人) or the unit's designated person (团体), masked. */
const BuyerSchema = ClosedObject({
  id: IdSchema,
  realNameMasked: Type.String(),
  idNumberMasked: Type.String(),
  phoneMasked: Type.String(),
  /** 单位 as known (registration sheet or latest certificate). */
  unitName: Nullable(Type.String()),
})

export const StaffOrderListItemSchema = ClosedObject({
  id: IdSchema,
  outTradeNo: Type.String(),
  kind: OrderKindSchema,
  projectTitle: Type.String(),
  year: Type.Integer(),
  quantity: Type.Integer(),
  amountFen: FenSchema,
  status: OrderStatusSchema,
  createdAt: TimestampSchema,
  paidAt: Nullable(TimestampSchema),
  refundedFen: FenSchema,
  /** The latest refund's state, null when never refunded. */
  refundStatus: Nullable(StaffRefundStatusSchema),
  buyer: BuyerSchema,
})
export type StaffOrderListItem = Static<typeof StaffOrderListItemSchema>

export const StaffOrderPageSchema = ClosedObject({ items: Type.Array(StaffOrderListItemSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })
export type StaffOrderPage = Static<typeof StaffOrderPageSchema>

export const StaffRefundSchema = ClosedObject({
  outRefundNo: Type.String(),
  amountFen: FenSchema,
  reason: Type.String(),
  status: StaffRefundStatusSchema,
  requestedBy: Type.String(),
  createdAt: TimestampSchema,
  succeededAt: Nullable(TimestampSchema),
})
export type StaffRefund = Static<typeof StaffRefundSchema>

export const StaffOrderDetailSchema = ClosedObject({
  order: StaffOrderListItemSchema,
  unitPriceFen: FenSchema,
  expiresAt: TimestampSchema,
  closedAt: Nullable(TimestampSchema),
  closeReason: Nullable(Type.String()),
  payment: ClosedObject({
    /** 微信支付, 对公转账, or null while unpaid. */
    via: Nullable(Type.Union([Type.Literal('wechat_pay'), Type.Literal('transfer')])),
    transactionId: Nullable(Type.String()),
    payerTotalFen: Nullable(FenSchema),
    transfer: Nullable(
      ClosedObject({ reference: Type.String(), confirmedAt: Nullable(TimestampSchema), bankSerial: Nullable(Type.String()), receivedFen: Nullable(FenSchema) }),
    ),
  }),
  refunds: Type.Array(StaffRefundSchema),
  /** Why 退款 is not offered now (null: finance may refund the rest of the amount through WeChat Pay). */
  refundBlockedReason: Nullable(Type.String()),
})
export type StaffOrderDetail = Static<typeof StaffOrderDetailSchema>

export const StaffRefundBodySchema = ClosedObject({ reason: RequiredText(80) })
export type StaffRefundBody = Static<typeof StaffRefundBodySchema>

export const OutRefundNoParamsSchema = ClosedObject({ id: IdSchema, outRefundNo: Type.String({ pattern: '^[0-9A-Za-z_|*@-]{1,64}$' }) })

// —— 对公转账 ——

export const TransferQueueItemSchema = ClosedObject({
  orderId: IdSchema,
  outTradeNo: Type.String(),
  reference: Type.String(),
  projectTitle: Type.String(),
  buyer: BuyerSchema,
  /** Learners listed (not dropped) and the unit price: what the amount due is made of. */
  quantity: Type.Integer(),
  unitPriceFen: FenSchema,
  amountDueFen: FenSchema,
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema,
})
export type TransferQueueItem = Static<typeof TransferQueueItemSchema>

export const TransferQueueSchema = ClosedObject({ items: Type.Array(TransferQueueItemSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })
export type TransferQueue = Static<typeof TransferQueueSchema>
export const TransferQueueQuerySchema = ClosedObject({ ...ConsolePageQuerySchema })

/** What 确认到账 answered (group orders' route): `refundDueFen` is what to return to the unit. */
export type TransferConfirmation = Static<typeof TransferConfirmationSchema>

// —— 团购订单 ——

export const StaffGroupOrderQuerySchema = ClosedObject({
  /** An exact 订单号 or 转账附言 (TT…), or part of the unit's name. */
  q: Type.Optional(PlainText({ maxLength: 100 })),
  ...ConsolePageQuerySchema,
})
export type StaffGroupOrderQuery = Static<typeof StaffGroupOrderQuerySchema>

export const StaffGroupOrderSchema = ClosedObject({
  id: IdSchema,
  outTradeNo: Type.String(),
  projectTitle: Type.String(),
  year: Type.Integer(),
  status: OrderStatusSchema,
  quantity: Type.Integer(),
  amountFen: FenSchema,
  createdAt: TimestampSchema,
  paidAt: Nullable(TimestampSchema),
  enrolledCount: Type.Integer(),
  completedCount: Type.Integer(),
  buyer: BuyerSchema,
})
export type StaffGroupOrder = Static<typeof StaffGroupOrderSchema>
export const StaffGroupOrderPageSchema = ClosedObject({ items: Type.Array(StaffGroupOrderSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })
export type StaffGroupOrderPage = Static<typeof StaffGroupOrderPageSchema>

export const StaffGroupLearnerSchema = ClosedObject({
  userId: IdSchema,
  realName: Type.String(),
  idNumberMasked: Type.String(),
  /** 已开通, 已自行购买（未计费）… as the buyer's 团购订单 says it. */
  stateLabel: Type.String(),
  countedHours: Nullable(Type.Number()),
  requiredHours: Type.Number(),
  completed: Type.Boolean(),
  certificateNumber: Nullable(Type.String()),
})
export type StaffGroupLearner = Static<typeof StaffGroupLearnerSchema>
export const StaffGroupLearnerPageSchema = ClosedObject({ items: Type.Array(StaffGroupLearnerSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() })
export type StaffGroupLearnerPage = Static<typeof StaffGroupLearnerPageSchema>
