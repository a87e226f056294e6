import { Type, type Static } from 'typebox'
import { FenSchema, IdSchema, TimestampSchema } from './common.ts'

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

const OrderStatusSchema = Type.Union([
  Type.Literal(OrderStatus.PENDING),
  Type.Literal(OrderStatus.PAID),
  Type.Literal(OrderStatus.CLOSED),
  Type.Literal(OrderStatus.REFUNDING),
  Type.Literal(OrderStatus.REFUNDED),
])

/**
 * Invoice details (INV-1), chosen with 「立即申请」; 「以后申请」 leaves them for later. One object
 * schema rather than a union: Ajv's removeAdditional would strip fields while trying union branches.
 * The server validates the combination (unit titles need a taxpayer id, an email is required).
 */
export const InvoiceRequestSchema = Type.Object(
  {
    choice: Type.Union([Type.Literal('now'), Type.Literal('later')]),
    titleType: Type.Optional(Type.Union([Type.Literal('personal'), Type.Literal('unit')])),
    title: Type.Optional(Type.String({ maxLength: 100 })),
    taxpayerId: Type.Optional(Type.String({ maxLength: 30 })),
    email: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
)
export type InvoiceRequest =
  | { choice: 'later' }
  | { choice: 'now'; titleType: 'personal' | 'unit'; title: string; taxpayerId?: string; email: string }
export type InvoiceRequestBody = Static<typeof InvoiceRequestSchema>


export const CreateOrderBodySchema = Type.Object(
  { projectId: IdSchema, invoice: InvoiceRequestSchema },
  { additionalProperties: false },
)
export type CreateOrderBody = Static<typeof CreateOrderBodySchema>

export const OrderSchema = Type.Object(
  {
    id: IdSchema,
    outTradeNo: Type.String(),
    kind: Type.Union([Type.Literal('individual'), Type.Literal('group')]),
    status: OrderStatusSchema,
    projectId: IdSchema,
    projectTitle: Type.String(),
    unitPriceFen: FenSchema,
    quantity: Type.Integer(),
    amountFen: FenSchema,
    invoiceChoice: Type.Union([Type.Literal('now'), Type.Literal('later')]),
    createdAt: TimestampSchema,
    expiresAt: TimestampSchema,
    paidAt: Type.Union([TimestampSchema, Type.Null()]),
    closedAt: Type.Union([TimestampSchema, Type.Null()]),
    refundedAt: Type.Union([TimestampSchema, Type.Null()]),
    refundedFen: FenSchema,
  },
  { additionalProperties: false },
)
export type Order = Static<typeof OrderSchema>

export const OrderListSchema = Type.Object({ orders: Type.Array(OrderSchema) }, { additionalProperties: false })
export type OrderList = Static<typeof OrderListSchema>

/** Parameters for WeixinJSBridge getBrandWCPayRequest / wx.chooseWXPay (docs/wechat-protocol.md §3.6). */
export const JsapiPayParamsSchema = Type.Object(
  {
    appId: Type.String(),
    timeStamp: Type.String(),
    nonceStr: Type.String(),
    package: Type.String(),
    signType: Type.Literal('RSA'),
    paySign: Type.String(),
  },
  { additionalProperties: false },
)
export type JsapiPayParams = Static<typeof JsapiPayParamsSchema>

export const PayOrderResultSchema = Type.Object(
  { order: OrderSchema, payParams: JsapiPayParamsSchema, simulator: Type.Boolean() },
  { additionalProperties: false },
)
export type PayOrderResult = Static<typeof PayOrderResultSchema>

export const JsSdkConfigQuerySchema = Type.Object({ url: Type.String({ minLength: 8, maxLength: 2048 }) }, { additionalProperties: false })
export const JsSdkConfigSchema = Type.Object(
  {
    appId: Type.String(),
    timestamp: Type.Integer(),
    nonceStr: Type.String(),
    signature: Type.String(),
    /** True when the server runs the built-in simulator: the H5 uses its stand-in bridge. */
    simulator: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type JsSdkConfig = Static<typeof JsSdkConfigSchema>
