// What api.mch.weixin.qq.com does around every call (§3.1–3.3, §3.13.2–3): header checks,
// Authorization verification on the raw bytes, header/body mchid match, API faults, Request-ID on
// every answer and a signature on every 2xx. Registered inside the /mch scope only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { rawBodyOf } from './body.ts'
import type { SimContext } from './context.ts'
import { faultNumber } from './faults.ts'
import { sendPayError } from './pay-errors.ts'
import { parseAuthorization, requestId, requestMessage, rsaVerify, signedHeaders } from './pay-signing.ts'
import { isRecord, sleep } from './util.ts'

const MAX_SKEW_S = 300
const signError = (issue: string) => ({ status: 401, code: 'SIGN_ERROR', message: '签名错误', detail: { issue, location: 'header' } })

/** Requests whose 2xx answer must be signed by the platform certificate (GET /v3/certificates). */
export const signWithPlatformCert = new WeakSet<FastifyRequest>()

export function installPayGuard(app: FastifyInstance, ctx: SimContext): void {
  app.addHook('preHandler', async (request, reply) => {
    const problem = checkRequest(ctx, request)
    if (problem) return sendPayError(reply, problem)
    const { faults } = ctx
    const delay = faults.take('timeoutMs', 'response')
    if (delay !== undefined) await sleep(faultNumber('timeoutMs', delay))
    if (faults.take('rateLimited', 'response') !== undefined) {
      return sendPayError(reply, { status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限，请降低请求接口频率' })
    }
    if (faults.take('serverError', 'response') !== undefined) {
      return sendPayError(reply, { status: 500, code: 'SYSTEM_ERROR', message: '系统错误' })
    }
    return undefined
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('request-id')) reply.header('Request-ID', requestId())
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload
    if (ctx.faults.take('unsignedResponse', 'response') !== undefined) return payload
    const body = payload == null ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined
    if (body === undefined) return payload
    signReply(ctx, request, reply, reply.statusCode === 204 ? '' : body)
    return payload
  })

  app.setNotFoundHandler((_request, reply) => {
    void sendPayError(reply, { status: 404, code: 'NOT_FOUND', message: '请求的资源不存在' })
  })

  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) ctx.log.warn({ err: error }, 'wechat simulator: pay route failed')
    void sendPayError(reply, status < 500
      ? { status, code: 'PARAM_ERROR', message: error.message ?? '参数错误' }
      : { status: 500, code: 'SYSTEM_ERROR', message: '系统错误' })
  })
}

function checkRequest(ctx: SimContext, request: FastifyRequest) {
  if (!request.headers['user-agent'] || !request.headers.accept) {
    return { status: 400, code: 'INVALID_REQUEST', message: 'Http头缺少Accept或User-Agent' }
  }
  const auth = parseAuthorization(request.headers.authorization)
  if (!auth) return signError('Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》')
  if (auth.mchid !== ctx.config.mchId) return { status: 400, code: 'MCH_NOT_EXISTS', message: '商户号不存在' }
  if (auth.serial_no !== ctx.config.merchantCertSerial) return signError('商户API证书序列号错误')
  const ts = Number(auth.timestamp)
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(ctx.now() / 1000 - ts) > MAX_SKEW_S) {
    return signError('时间戳与微信支付服务器时间相差超过5分钟')
  }
  const body = rawBodyOf(request.body)
  // The string is rebuilt from what arrived on the wire: raw method, path+query untouched, raw bytes.
  const message = requestMessage(request.raw.method ?? request.method, request.originalUrl, auth.timestamp, auth.nonce_str, body.raw)
  if (!rsaVerify(ctx.keys.merchantPublic, message, auth.signature)) return signError('签名验证失败')
  const bodyMchid = isRecord(body.json) ? body.json.mchid : undefined
  const queryMchid = (request.query as Record<string, unknown> | undefined)?.mchid
  for (const other of [bodyMchid, queryMchid]) {
    if (other !== undefined && other !== auth.mchid) {
      return { status: 400, code: 'INVALID_REQUEST', message: 'http header中的mchid与post payload中的mchid不匹配' }
    }
  }
  return undefined
}

/**
 * Public-key mode by default. A request that names the platform certificate in Wechatpay-Serial
 * (legacy merchants) gets a certificate-signed answer, as WeChat does during key migration.
 */
function signReply(ctx: SimContext, request: FastifyRequest, reply: FastifyReply, body: string): void {
  const platform = ctx.keys.platform
  const usePlatform = platform !== undefined && (signWithPlatformCert.has(request) || request.headers['wechatpay-serial'] === platform.serial)
  const wrongSerial = ctx.faults.take('wrongSerial', 'response')
  const stale = ctx.faults.take('staleTimestamp', 'response')
  const headers = signedHeaders(body, {
    key: usePlatform ? platform.privateKey : ctx.keys.wechatpayPrivate,
    serial: usePlatform ? platform.serial : ctx.config.wechatpayPublicKeyId,
    nowMs: ctx.now(),
    ...(wrongSerial !== undefined ? { serialOverride: 'PUB_KEY_ID_0000000000000000000000000000000000' } : {}),
    ...(stale !== undefined ? { skewSeconds: faultNumber('staleTimestamp', stale) } : {}),
  })
  reply.headers(headers)
}
