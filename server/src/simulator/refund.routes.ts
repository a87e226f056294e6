// Domestic refunds (§3.10): create with out_refund_no idempotency, the 1-year / 50-refund /
// refundable-balance rules, completion after a short scaled delay, REFUND.SUCCESS notification.
import type { FastifyInstance } from 'fastify'
import { randomInt } from 'node:crypto'
import { rawBodyOf } from './body.ts'
import type { SimContext } from './context.ts'
import { paramError, sendPayError, type PayError } from './pay-errors.ts'
import { checkNotifyUrl } from './pay-validate.ts'
import type { Order, Refund } from './state.ts'
import { canonicalJson, DAY, isRecord, randomDigits, rfc3339, utf8Bytes } from './util.ts'

/** Wallet refunds arrive almost at once; this is that delay before retryScale is applied. */
const REFUND_COMPLETION_MS = 10_000
const MAX_PARTIAL_REFUNDS = 50
const RECEIVED_ACCOUNT = '支付用户零钱'

const invalid = (message: string): PayError => ({ status: 400, code: 'INVALID_REQUEST', message })
const NOT_EXISTS: PayError = { status: 404, code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' }

export function refundView(refund: Refund, order: Order): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: RECEIVED_ACCOUNT,
    ...(refund.successTime !== undefined ? { success_time: rfc3339(refund.successTime) } : {}),
    create_time: rfc3339(refund.createdAt),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.total,
      refund: refund.refund,
      from: [],
      payer_total: order.payerTotal ?? order.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: order.total,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: 0,
    },
    promotion_detail: [],
  }
}

export function completeRefund(ctx: SimContext, refund: Refund): void {
  if (refund.status !== 'PROCESSING') return
  refund.status = 'SUCCESS'
  refund.successTime = ctx.now()
  ctx.state.changed()
  if (!refund.notifyUrl) return // no console-configured refund callback exists in the simulator
  ctx.notifier.send({
    url: refund.notifyUrl,
    eventType: 'REFUND.SUCCESS',
    summary: '退款成功',
    originalType: 'refund',
    resource: {
      mchid: ctx.config.mchId,
      transaction_id: refund.transactionId,
      out_trade_no: refund.outTradeNo,
      refund_id: refund.refundId,
      out_refund_no: refund.outRefundNo,
      refund_status: 'SUCCESS',
      success_time: rfc3339(refund.successTime),
      user_received_account: RECEIVED_ACCOUNT,
      amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
    },
  })
}

function findOrder(ctx: SimContext, body: Record<string, unknown>): Order | undefined {
  const byTx = typeof body.transaction_id === 'string' ? ctx.state.transactions.get(body.transaction_id) : undefined
  const key = byTx ?? (typeof body.out_trade_no === 'string' ? body.out_trade_no : undefined)
  return key ? ctx.state.orders.get(key) : undefined
}

function validate(ctx: SimContext, body: unknown): PayError | { body: Record<string, unknown>; outRefundNo: string; refund: number; total: number } {
  if (!isRecord(body)) return paramError('/', '请求体应为JSON对象')
  if (typeof body.transaction_id !== 'string' && typeof body.out_trade_no !== 'string') {
    return paramError('/out_trade_no', 'transaction_id和out_trade_no必须二选一')
  }
  const outRefundNo = body.out_refund_no
  if (typeof outRefundNo !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) return paramError('/out_refund_no', 'out_refund_no格式错误', outRefundNo)
  if (body.reason !== undefined && (typeof body.reason !== 'string' || utf8Bytes(body.reason) > 80)) return paramError('/reason', 'reason长度超过80字节')
  if (body.notify_url !== undefined) {
    if (typeof body.notify_url !== 'string' || body.notify_url.length > 256) return paramError('/notify_url', 'notify_url格式错误')
    const problem = checkNotifyUrl(ctx, body.notify_url, '/notify_url')
    if (problem) return problem
  }
  const amount = body.amount
  if (!isRecord(amount)) return paramError('/amount', 'amount为必填参数')
  for (const field of ['refund', 'total'] as const) {
    const v = amount[field]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return paramError(`/amount/${field}`, `amount.${field}必须为正整数（单位：分）`, v)
  }
  if (amount.currency !== 'CNY') return paramError('/amount/currency', '币种只支持CNY', amount.currency)
  return { body, outRefundNo, refund: amount.refund as number, total: amount.total as number }
}

export function refundRoutes(ctx: SimContext) {
  return async (app: FastifyInstance) => {
    app.post('/v3/refund/domestic/refunds', async (request, reply) => {
      const raw = rawBodyOf(request.body)
      if (!raw.jsonOk) return sendPayError(reply, paramError('/', '请求体不是合法的JSON'))
      const checked = validate(ctx, raw.json)
      if ('status' in checked) return sendPayError(reply, checked)
      const paramsKey = canonicalJson(raw.json)
      const previous = ctx.state.refunds.get(checked.outRefundNo)
      if (previous) {
        // The same out_refund_no only ever refunds once; a retry gets the existing refund.
        if (previous.paramsKey !== paramsKey) return sendPayError(reply, invalid('请求重入时，参数与首次请求时不一致'))
        const order = ctx.state.orders.get(previous.outTradeNo)
        return order ? refundView(previous, order) : sendPayError(reply, NOT_EXISTS)
      }
      const order = findOrder(ctx, checked.body)
      if (!order || !order.transactionId || (order.state !== 'SUCCESS' && order.state !== 'REFUND')) return sendPayError(reply, NOT_EXISTS)
      const now = ctx.now()
      if (checked.total !== order.total) return sendPayError(reply, paramError('/amount/total', '订单金额与原订单不一致', checked.total))
      if (now - (order.successTime ?? now) > 365 * DAY) return sendPayError(reply, invalid('订单已超过可退款的最大期限（1年）'))
      const existing = [...ctx.state.refunds.values()].filter((r) => r.outTradeNo === order.outTradeNo && r.status !== 'CLOSED')
      if (existing.length >= MAX_PARTIAL_REFUNDS) return sendPayError(reply, invalid('部分退款次数超过上限（50次）'))
      const refunded = existing.reduce((sum, r) => sum + r.refund, 0)
      if (checked.refund > order.total - refunded) return sendPayError(reply, invalid('申请退款金额超过订单可退金额'))
      const refund: Refund = {
        refundId: `50${randomDigits(30)}`,
        outRefundNo: checked.outRefundNo,
        outTradeNo: order.outTradeNo,
        transactionId: order.transactionId,
        ...(typeof checked.body.reason === 'string' ? { reason: checked.body.reason } : {}),
        ...(typeof checked.body.notify_url === 'string' ? { notifyUrl: checked.body.notify_url } : {}),
        refund: checked.refund,
        total: checked.total,
        paramsKey,
        status: 'PROCESSING',
        createdAt: now,
      }
      ctx.state.refunds.set(refund.outRefundNo, refund)
      order.state = 'REFUND'
      ctx.state.changed()
      ctx.timers.later(REFUND_COMPLETION_MS * ctx.config.retryScale + randomInt(0, 5), () => completeRefund(ctx, refund))
      return refundView(refund, order)
    })

    app.get('/v3/refund/domestic/refunds/:outRefundNo', async (request, reply) => {
      const { outRefundNo } = request.params as { outRefundNo: string }
      const refund = ctx.state.refunds.get(outRefundNo)
      const order = refund ? ctx.state.orders.get(refund.outTradeNo) : undefined
      if (!refund || !order) return sendPayError(reply, { ...NOT_EXISTS, message: '退款单不存在' })
      return refundView(refund, order)
    })
  }
}
