// JSAPI prepay, query, close and certificates (§3.5, §3.8, §3.9, §3.11), under /mch.
import type { FastifyInstance } from 'fastify'
import { X509Certificate } from 'node:crypto'
import { rawBodyOf } from './body.ts'
import type { SimContext } from './context.ts'
import { newPrepayId, refreshOrder, transactionView } from './orders.ts'
import { ERRNO, paramError, sendPayError, type PayError } from './pay-errors.ts'
import { installPayGuard, signWithPlatformCert } from './pay-guard.ts'
import { encryptResource } from './pay-signing.ts'
import { validatePrepay } from './pay-validate.ts'
import { refundRoutes } from './refund.routes.ts'
import { canonicalJson, HOUR, isRecord, rfc3339 } from './util.ts'

const PREPAY_TTL = 2 * HOUR
const ORDER_NOT_EXIST: PayError = { status: 404, code: 'ORDER_NOT_EXIST', message: '订单不存在', errno: ERRNO.orderNotExist }
const ORDER_PAID: PayError = { status: 400, code: 'ORDERPAID', message: '订单已支付', errno: ERRNO.orderPaid }

export function payRoutes(ctx: SimContext) {
  return async (app: FastifyInstance) => {
    installPayGuard(app, ctx)

    app.post('/v3/pay/transactions/jsapi', async (request, reply) => {
      const body = rawBodyOf(request.body)
      if (!body.jsonOk) return sendPayError(reply, paramError('/', '请求体不是合法的JSON'))
      const checked = validatePrepay(ctx, body.json)
      if (!checked.ok) return sendPayError(reply, checked.error)
      const input = checked.value
      const paramsKey = canonicalJson(body.json)
      const now = ctx.now()
      const existing = ctx.state.orders.get(input.outTradeNo)
      if (existing) {
        const order = refreshOrder(ctx, existing)
        if (order.state === 'SUCCESS' || order.state === 'REFUND') return sendPayError(reply, ORDER_PAID)
        if (order.state === 'CLOSED') return sendPayError(reply, { status: 400, code: 'ORDER_CLOSED', message: '订单已关闭' })
        // Idempotent re-entry: identical parameters get a fresh prepay_id for the same order.
        if (order.paramsKey !== paramsKey) {
          return sendPayError(reply, { status: 400, code: 'INVALID_REQUEST', message: '请求重入时，参数与首次请求时不一致', errno: ERRNO.reentryMismatch })
        }
        // A failed payment (PAYERROR) may be retried with a new prepay_id.
        if (order.state === 'PAYERROR') order.state = 'NOTPAY'
      } else {
        ctx.state.putOrder({
          outTradeNo: input.outTradeNo,
          appid: input.appid,
          mchid: input.mchid,
          description: input.description,
          ...(input.attach !== undefined ? { attach: input.attach } : {}),
          notifyUrl: input.notifyUrl,
          total: input.total,
          currency: input.currency,
          openid: input.openid,
          timeExpire: input.timeExpire,
          createdAt: now,
          paramsKey,
          state: 'NOTPAY',
        })
      }
      const prepayId = newPrepayId(now)
      ctx.state.prepays.set(prepayId, { prepayId, outTradeNo: input.outTradeNo, expiresAt: now + PREPAY_TTL })
      ctx.state.changed()
      return { prepay_id: prepayId }
    })

    app.get('/v3/pay/transactions/out-trade-no/:outTradeNo', async (request, reply) => {
      const { outTradeNo } = request.params as { outTradeNo: string }
      if (!(request.query as Record<string, unknown>).mchid) return sendPayError(reply, paramError('mchid', 'mchid为必填参数'))
      const order = ctx.state.orders.get(outTradeNo)
      if (!order) return sendPayError(reply, ORDER_NOT_EXIST)
      return transactionView(refreshOrder(ctx, order))
    })

    app.get('/v3/pay/transactions/id/:transactionId', async (request, reply) => {
      const { transactionId } = request.params as { transactionId: string }
      if (!(request.query as Record<string, unknown>).mchid) return sendPayError(reply, paramError('mchid', 'mchid为必填参数'))
      const outTradeNo = ctx.state.transactions.get(transactionId)
      const order = outTradeNo ? ctx.state.orders.get(outTradeNo) : undefined
      if (!order) return sendPayError(reply, ORDER_NOT_EXIST)
      return transactionView(refreshOrder(ctx, order))
    })

    app.post('/v3/pay/transactions/out-trade-no/:outTradeNo/close', async (request, reply) => {
      const { outTradeNo } = request.params as { outTradeNo: string }
      const body = rawBodyOf(request.body)
      if (!isRecord(body.json) || typeof body.json.mchid !== 'string') {
        return sendPayError(reply, paramError('/mchid', 'mchid为必填参数'))
      }
      const order = ctx.state.orders.get(outTradeNo)
      if (!order) return sendPayError(reply, ORDER_NOT_EXIST)
      refreshOrder(ctx, order)
      if (order.state === 'SUCCESS' || order.state === 'REFUND') return sendPayError(reply, ORDER_PAID)
      // Closing is re-entrant: closing a closed order is a success.
      order.state = 'CLOSED'
      ctx.state.changed()
      return reply.code(204).send()
    })

    app.get('/v3/certificates', async (request) => {
      const platform = ctx.keys.platform
      if (!platform) return { data: [] }
      signWithPlatformCert.add(request)
      let effective = ctx.now()
      let expire = effective + 5 * 365 * 24 * HOUR
      try {
        const cert = new X509Certificate(platform.certificatePem)
        effective = Date.parse(cert.validFrom)
        expire = Date.parse(cert.validTo)
      } catch {
        // A non-parseable PEM (e.g. a test fixture) still round-trips through the encryption.
      }
      return {
        data: [{
          serial_no: platform.serial,
          effective_time: rfc3339(effective),
          expire_time: rfc3339(expire),
          encrypt_certificate: encryptResource(ctx.config.apiV3Key, 'certificate', platform.certificatePem),
        }],
      }
    })

    await app.register(refundRoutes(ctx))
  }
}
