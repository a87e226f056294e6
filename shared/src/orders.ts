import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, PlainText, TimestampSchema } from './common.ts'
import { ClosedObject, ListOf, Nullable } from './schema-helpers.ts'

export const OrderStatus = {
  PENDING: 'pending',
  PAID: 'paid',
  CLOSED: 'closed',
  REFUNDING: 'refunding',
  REFUNDED: 'refunded',
} as const
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus]

/** Unpaid orders close after this long (PAY-1); WeChat is told the same through time_expire. */
export const ORDER_PAYMENT_WINDOW_MINUTES = 30

export const OrderStatusSchema = Type.Union([
  Type.Literal(OrderStatus.PENDING),
  Type.Literal(OrderStatus.PAID),
  Type.Literal(OrderStatus.CLOSED),
  Type.Literal(OrderStatus.REFUNDING),
  Type.Literal(OrderStatus.REFUNDED),
])

/** 个人 or 单位: whose name an invoice is made out to (INV-1). */
export const InvoiceTitleTypeSchema = Type.Union([Type.Literal('personal'), Type.Literal('unit')])
/** 「立即申请」 or 「以后申请」 an invoice when buying. */
const InvoiceChoiceSchema = Type.Union([Type.Literal('now'), Type.Literal('later')])
/** Bought by a learner for themselves, or by a unit for its learners (团体购买). */
export const OrderKindSchema = Type.Union([Type.Literal('individual'), Type.Literal('group')])

/**
 * Invoice details (INV-1), chosen with 「立即申请」; 「以后申请」 leaves them for later. One object
 * schema rather than a union: Ajv's removeAdditional would strip fields while trying union branches.
 * The server validates the combination (unit titles need a taxpayer id, an email is required).
 */
export const InvoiceRequestSchema = ClosedObject({
  choice: InvoiceChoiceSchema,
  titleType: Type.Optional(InvoiceTitleTypeSchema),
  // Checked by checkInvoiceDetails (invoice-rules.ts), as at 申请开票: control characters and
  // markup are refused there with a message saying so.
  title: Type.Optional(Type.String({ maxLength: 100 })),
  taxpayerId: Type.Optional(Type.String({ maxLength: 30 })),
  email: Type.Optional(Type.String({ maxLength: 100 })),
  /** The learner confirmed a taxpayer id whose check character did not match (taxpayerIdWarning). */
  confirmTaxpayerId: Type.Optional(Type.Boolean()),
})
export type InvoiceRequest =
  | { choice: 'later' }
  | { choice: 'now'; titleType: 'personal' | 'unit'; title: string; taxpayerId?: string; email: string }
export type InvoiceRequestBody = Static<typeof InvoiceRequestSchema>

export const CreateOrderBodySchema = ClosedObject({ projectId: IdSchema, invoice: InvoiceRequestSchema })
export type CreateOrderBody = Static<typeof CreateOrderBodySchema>

export const OrderSchema = ClosedObject({
  id: IdSchema,
  outTradeNo: Type.String(),
  kind: OrderKindSchema,
  status: OrderStatusSchema,
  projectId: IdSchema,
  projectTitle: Type.String(),
  unitPriceFen: FenSchema,
  quantity: Type.Integer(),
  amountFen: FenSchema,
  invoiceChoice: InvoiceChoiceSchema,
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema,
  paidAt: Nullable(TimestampSchema),
  closedAt: Nullable(TimestampSchema),
  refundedAt: Nullable(TimestampSchema),
  refundedFen: FenSchema,
})
export type Order = Static<typeof OrderSchema>

export const OrderListSchema = ListOf('orders', OrderSchema)
export type OrderList = Static<typeof OrderListSchema>

/** Parameters for WeixinJSBridge getBrandWCPayRequest / wx.chooseWXPay (docs/wechat-protocol.md §3.6). */
export const JsapiPayParamsSchema = ClosedObject({
  appId: Type.String(),
  timeStamp: Type.String(),
  nonceStr: Type.String(),
  package: Type.String(),
  signType: Type.Literal('RSA'),
  paySign: Type.String(),
})
export type JsapiPayParams = Static<typeof JsapiPayParamsSchema>

export const PayOrderResultSchema = ClosedObject({ order: OrderSchema, payParams: JsapiPayParamsSchema, simulator: Type.Boolean() })
export type PayOrderResult = Static<typeof PayOrderResultSchema>

export const JsSdkConfigQuerySchema = ClosedObject({ url: PlainText({ minLength: 8, maxLength: 2048 }) })
export const JsSdkConfigSchema = ClosedObject({
  appId: Type.String(),
  timestamp: Type.Integer(),
  nonceStr: Type.String(),
  signature: Type.String(),
  /** True when the server runs the built-in simulator: the H5 uses its stand-in bridge. */
  simulator: Type.Boolean(),
})
export type JsSdkConfig = Static<typeof JsSdkConfigSchema>
