/**
 * Request and response shapes of the WeChat Pay v3 endpoints we use, field names as on the wire.
 * Money is integer fen. Optional fields are really optional: WeChat omits many for unpaid orders.
 *
 * @see https://pay.weixin.qq.com/doc/v3/merchant/4012525167 (JSAPI下单)
 * @see https://pay.weixin.qq.com/doc/v3/merchant/4012556352 (商户订单号查询订单)
 * @see https://pay.weixin.qq.com/doc/v3/merchant/4012556398 (关闭订单)
 * @see https://pay.weixin.qq.com/doc/v3/partner/4012886219 (退款申请 / 查询单笔退款)
 */

/** JSAPI prepay body without `appid`/`mchid`: the client adds both from settings so they always match. */
export interface JsapiPrepayBody {
  /** ≤127 chars, 1–3-byte UTF-8 only (strip emoji before). */
  description: string
  /** 6–32 chars of [0-9A-Za-z_-]. */
  out_trade_no: string
  /** RFC 3339; only settable on the first request. */
  time_expire?: string
  attach?: string
  /** Absolute https URL without query string. */
  notify_url: string
  goods_tag?: string
  support_fapiao?: boolean
  amount: { total: number; currency?: 'CNY' }
  payer: { openid: string }
  detail?: {
    cost_price?: number
    invoice_id?: string
    goods_detail?: Array<{
      merchant_goods_id: string
      wechatpay_goods_id?: string
      goods_name?: string
      quantity: number
      unit_price: number
    }>
  }
  scene_info?: {
    payer_client_ip: string
    device_id?: string
    store_info?: { id: string; name?: string; area_code?: string; address?: string }
  }
  settle_info?: { profit_sharing?: boolean }
}

export interface JsapiPrepayResult {
  prepay_id: string
}

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'

/** Query response (and the decrypted TRANSACTION.SUCCESS resource). */
export interface WechatPayTransaction {
  appid: string
  mchid: string
  out_trade_no: string
  transaction_id?: string
  trade_type?: string
  /** Unknown future states stay strings so callers must handle them. */
  trade_state: TradeState | (string & {})
  trade_state_desc?: string
  bank_type?: string
  attach?: string
  success_time?: string
  payer?: { openid?: string }
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string }
  scene_info?: { device_id?: string }
  promotion_detail?: unknown[]
}

type RefundOrderRef = { transaction_id: string; out_trade_no?: never } | { out_trade_no: string; transaction_id?: never }

export type RefundCreateBody = RefundOrderRef & {
  /** Reuse the same out_refund_no on retry: one number refunds at most once. */
  out_refund_no: string
  reason?: string
  notify_url?: string
  funds_account?: 'AVAILABLE' | 'UNSETTLED'
  amount: {
    refund: number
    total: number
    currency: 'CNY'
    from?: Array<{ account: 'AVAILABLE' | 'UNAVAILABLE'; amount: number }>
  }
  goods_detail?: Array<{
    merchant_goods_id: string
    wechatpay_goods_id?: string
    goods_name?: string
    unit_price: number
    refund_amount: number
    refund_quantity: number
  }>
}

export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

/** Create-refund and query-refund response. A 200 means accepted, not refunded. */
export interface WechatPayRefund {
  refund_id: string
  out_refund_no: string
  transaction_id: string
  out_trade_no: string
  channel?: string
  user_received_account?: string
  success_time?: string
  create_time?: string
  status: RefundStatus | (string & {})
  funds_account?: string
  amount: {
    total: number
    refund: number
    payer_total?: number
    payer_refund?: number
    settlement_refund?: number
    settlement_total?: number
    discount_refund?: number
    currency?: string
    refund_fee?: number
    from?: Array<{ account: string; amount: number }>
  }
  promotion_detail?: unknown[]
}

/** GET /v3/certificates (legacy platform-certificate mode; public-key-only merchants get `data: []`). */
export interface WechatPayCertificateList {
  data: Array<{
    serial_no: string
    effective_time?: string
    expire_time?: string
    encrypt_certificate: { algorithm?: string; nonce: string; associated_data?: string; ciphertext: string }
  }>
}
