/**
 * WeChat Pay API v3 errors. None of them carries a key, a signature input or a payer's data.
 *
 * @see https://pay.weixin.qq.com/docs/merchant/development/interface-rules/basic-rules.html
 */
import type { VerifyFailureReason } from './verify.ts'

/** A 4xx/5xx answer: `{code, message, detail?}` plus the `Request-ID` header. Not signature-checked (WeChat does not sign errors). */
export class WechatPayError extends Error {
  override name = 'WechatPayError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly detail?: unknown,
  ) {
    super(`WeChat Pay ${status} ${code}: ${message}`)
  }

  /** 5xx and 429 were not (or may not have been) processed: retry with the identical request, or query. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429
  }
}

/** Timeout or connection failure: the outcome is unknown. Retry with the identical body, or query. */
export class WechatPayNetworkError extends Error {
  override name = 'WechatPayNetworkError'
  readonly retryable = true
  constructor(
    readonly reason: 'timeout' | 'network',
    options?: ErrorOptions,
  ) {
    super(`WeChat Pay unreachable (${reason})`, options)
  }
}

/**
 * A 2xx answer whose signature is missing or wrong. WeChat says an unsigned success must be treated
 * as forged; also a probe (WECHATPAY/SIGNTEST/) lands here. Treat the call as failed and query later.
 */
export class WechatPayResponseVerificationError extends Error {
  override name = 'WechatPayResponseVerificationError'
  constructor(
    readonly reason: VerifyFailureReason,
    readonly status: number,
    readonly requestId: string | null,
    /** The Wechatpay-Serial the answer named (a key id, not a secret): tells which key WeChat used. */
    readonly serial: string | null = null,
  ) {
    super(`WeChat Pay ${status} response failed verification (${reason})`)
  }
}

/** A verified 2xx answer whose body is not what the API documents. */
export class WechatPayBadResponseError extends Error {
  override name = 'WechatPayBadResponseError'
  constructor(
    detail: string,
    readonly requestId: string | null,
  ) {
    super(`WeChat Pay returned an unexpected response: ${detail}`)
  }
}

/** AES-256-GCM decryption failed: usually a wrong or rotated APIv3 key, or a truncated body. */
export class WechatPayDecryptError extends Error {
  override name = 'WechatPayDecryptError'
  constructor(readonly reason: 'bad_key_length' | 'malformed' | 'auth_failed') {
    super(`WeChat Pay resource decryption failed (${reason})`)
  }
}

export type NotificationFailureReason =
  | 'missing_headers'
  | 'probe'
  | 'bad_signature'
  | 'unknown_serial'
  | 'stale'
  | 'malformed'
  | 'unsupported'
  | 'decrypt_failed'

/** A notification we must refuse with 4xx/5xx; WeChat then re-sends (a probe comes back correctly signed). */
export class WechatPayNotificationError extends Error {
  override name = 'WechatPayNotificationError'
  constructor(
    readonly reason: NotificationFailureReason,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(`WeChat Pay notification rejected (${reason}${detail === undefined ? '' : `: ${detail}`})`, options)
  }
}

/** What a log may say about a failed WeChat Pay call: the error class and WeChat's code, never request data. */
export function wechatPayErrorSummary(error: unknown): { type: string; code?: string; status?: number } {
  if (error instanceof WechatPayError) return { type: error.name, code: error.code, status: error.status }
  return { type: error instanceof Error ? error.name : typeof error }
}
