import { createPrivateKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { WechatSettings } from '../settings.ts'
import { WechatInvalidInputError } from '../errors.ts'
import { buildAuthorization, createNonce } from './signing.ts'
import { verifyWechatpaySignature } from './verify.ts'
import { WechatPayBadResponseError, WechatPayError, WechatPayNetworkError, WechatPayResponseVerificationError } from './errors.ts'
import type { JsapiPrepayBody, WechatPayCertificateList, JsapiPrepayResult, RefundCreateBody, WechatPayRefund, WechatPayTransaction } from './types.ts'

/**
 * WeChat Pay API v3 client for JSAPI payments and refunds. Each request body is serialized once,
 * and that exact string is both signed and sent. Every 2xx answer is signature-checked (an unsigned
 * success is treated as forged); 4xx/5xx are not, because WeChat does not sign errors.
 *
 * @see https://pay.weixin.qq.com/docs/merchant/development/interface-rules/basic-rules.html
 * @see https://pay.weixin.qq.com/doc/v3/merchant/4012525167 (JSAPI下单)
 * @see https://pay.weixin.qq.com/doc/v3/partner/4012886219 (退款)
 */

export interface WechatPayClient {
  /** POST /v3/pay/transactions/jsapi. On 5xx or network error, retry with the identical body (re-entry is idempotent). */
  prepayJsapi(body: JsapiPrepayBody): Promise<JsapiPrepayResult>
  /** GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=… */
  queryByOutTradeNo(outTradeNo: string): Promise<WechatPayTransaction>
  /** POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close (204). Query after any error. */
  close(outTradeNo: string): Promise<void>
  /** POST /v3/refund/domestic/refunds. Retry failures with the same out_refund_no. */
  createRefund(body: RefundCreateBody): Promise<WechatPayRefund>
  /** GET /v3/refund/domestic/refunds/{out_refund_no} */
  queryRefund(outRefundNo: string): Promise<WechatPayRefund>
  /** GET /v3/certificates: platform certificates (encrypted with the APIv3 key); `[]` for public-key-only merchants. */
  listCertificates(): Promise<WechatPayCertificateList>
}

export interface WechatPayClientOptions {
  fetch?: typeof fetch
  /** Milliseconds since the epoch; used for request timestamps and response freshness. */
  now?: () => number
  timeoutMs?: number
  /** WeChat rejects requests without a User-Agent. */
  userAgent?: string
}

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_USER_AGENT = 'ce-h5-server/1.0 (wechatpay-apiv3; node)'
// WeChat Pay accepts only 1–3-byte UTF-8 characters in bodies; emoji and other astral characters fail.
const FOUR_BYTE_UTF8 = /[\u{10000}-\u{10FFFF}]/u

interface SignedResponse {
  status: number
  body: string
  requestId: string | null
}

/** Reads `settings` at every call: the simulator runtime fills in `payBase` after the server starts. */
export function createWechatPayClient(settings: WechatSettings, options: WechatPayClientOptions = {}): WechatPayClient {
  const now = options.now ?? Date.now
  let parsedKey: { pem: string; key: KeyObject } | null = null
  const privateKey = (): KeyObject => {
    if (parsedKey?.pem !== settings.mchPrivateKeyPem) {
      parsedKey = { pem: settings.mchPrivateKeyPem, key: createPrivateKey(settings.mchPrivateKeyPem) }
    }
    return parsedKey.key
  }

  async function send(method: 'GET' | 'POST', path: string, payload?: object): Promise<SignedResponse> {
    const body = payload === undefined ? '' : JSON.stringify(payload)
    if (FOUR_BYTE_UTF8.test(body)) throw new WechatInvalidInputError('WeChat Pay bodies must not contain 4-byte UTF-8 characters (emoji)')
    const url = new URL(settings.payBase + path)
    // The path as it goes on the wire (after URL normalisation), so what we sign is what WeChat sees.
    const canonicalUrl = url.pathname + url.search
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT,
      Authorization: buildAuthorization({
        mchId: settings.mchId,
        serialNo: settings.mchSerial,
        privateKey: privateKey(),
        method,
        canonicalUrl,
        body,
        timestamp: Math.floor(now() / 1000),
        nonce: createNonce(),
      }),
    }
    if (method === 'POST') headers['Content-Type'] = 'application/json'
    // Public-key mode: asks WeChat to sign the response with the WeChat Pay public key we hold.
    if (settings.wechatpayPublicKeyId !== null) headers['Wechatpay-Serial'] = settings.wechatpayPublicKeyId

    let response: Response
    let text: string
    try {
      response = await (options.fetch ?? fetch)(url, {
        method,
        headers,
        body: method === 'POST' ? body : undefined,
        // A redirect would change the path WeChat signs against; surface it as an error instead.
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      })
      text = await response.text()
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      throw new WechatPayNetworkError(timedOut ? 'timeout' : 'network', { cause: error })
    }
    const requestId = response.headers.get('request-id')
    if (response.status < 200 || response.status > 299) throw toPayError(response.status, text, requestId)

    const verdict = verifyWechatpaySignature(
      {
        timestamp: response.headers.get('wechatpay-timestamp') ?? undefined,
        nonce: response.headers.get('wechatpay-nonce') ?? undefined,
        signature: response.headers.get('wechatpay-signature') ?? undefined,
        serial: response.headers.get('wechatpay-serial') ?? undefined,
        body: text,
      },
      settings.wechatpayPublicKeys,
      now(),
    )
    if (!verdict.ok) throw new WechatPayResponseVerificationError(verdict.reason, response.status, requestId, response.headers.get('wechatpay-serial'))
    return { status: response.status, body: text, requestId }
  }

  return {
    async prepayJsapi(body) {
      const res = await send('POST', '/v3/pay/transactions/jsapi', { appid: settings.appId, mchid: settings.mchId, ...body })
      const json = parseObject(res)
      if (typeof json.prepay_id !== 'string' || json.prepay_id === '') throw new WechatPayBadResponseError('missing prepay_id', res.requestId)
      return { prepay_id: json.prepay_id }
    },
    async queryByOutTradeNo(outTradeNo) {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(settings.mchId)}`
      const res = await send('GET', path)
      return requireStrings<WechatPayTransaction>(res, ['out_trade_no', 'trade_state'])
    },
    async close(outTradeNo) {
      await send('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: settings.mchId })
    },
    async createRefund(body) {
      const res = await send('POST', '/v3/refund/domestic/refunds', body)
      return requireStrings<WechatPayRefund>(res, ['refund_id', 'out_refund_no', 'status'])
    },
    async queryRefund(outRefundNo) {
      const res = await send('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`)
      return requireStrings<WechatPayRefund>(res, ['refund_id', 'out_refund_no', 'status'])
    },
    async listCertificates() {
      const res = await send('GET', '/v3/certificates')
      const json = parseObject(res)
      if (!Array.isArray(json.data)) throw new WechatPayBadResponseError('missing data', res.requestId)
      return json as unknown as WechatPayCertificateList
    },
  }
}

/** 4xx/5xx body `{code, message, detail?}`; a proxy's HTML page still gives a typed error. */
function toPayError(status: number, text: string, requestId: string | null): WechatPayError {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {}
  return new WechatPayError(
    status,
    typeof body.code === 'string' ? body.code : `HTTP_${status}`,
    typeof body.message === 'string' ? body.message : '',
    requestId,
    body.detail,
  )
}

function parseObject(res: SignedResponse): Record<string, unknown> {
  let json: unknown
  try {
    json = JSON.parse(res.body)
  } catch {
    throw new WechatPayBadResponseError('body is not JSON', res.requestId)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WechatPayBadResponseError('body is not a JSON object', res.requestId)
  }
  return json as Record<string, unknown>
}

/** Checks the fields callers branch on; the rest of the documented shape is trusted as signed by WeChat. */
function requireStrings<T>(res: SignedResponse, fields: readonly string[]): T {
  const json = parseObject(res)
  for (const field of fields) {
    if (typeof json[field] !== 'string') throw new WechatPayBadResponseError(`missing ${field}`, res.requestId)
  }
  return json as T
}
