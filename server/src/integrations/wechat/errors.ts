/**
 * Errors from the Official Account APIs (OAuth, tokens, JS-SDK). Messages never carry the request
 * URL, because its query holds the AppSecret or an access token.
 *
 * @see docs/wechat-protocol.md §1.7 and §2.1 (error codes)
 */

/** WeChat answered (HTTP 200) with a non-zero `errcode`. Branch on `errcode`; `errmsg` carries a varying `rid` suffix. */
export class WechatApiError extends Error {
  override name = 'WechatApiError'
  constructor(
    readonly endpoint: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat ${endpoint} failed with errcode ${errcode}: ${errmsg}`)
  }
}

/** No usable answer: timeout, connection failure or a non-200 status from a proxy. Safe to retry later. */
export class WechatNetworkError extends Error {
  override name = 'WechatNetworkError'
  constructor(
    readonly endpoint: string,
    readonly reason: 'timeout' | 'network' | 'http_status',
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`WeChat ${endpoint} unreachable (${reason}${status === undefined ? '' : ` ${status}`})`, options)
  }
}

/** HTTP 200 but not the JSON shape WeChat documents. */
export class WechatBadResponseError extends Error {
  override name = 'WechatBadResponseError'
  constructor(
    readonly endpoint: string,
    detail: string,
  ) {
    super(`WeChat ${endpoint} returned an unexpected response: ${detail}`)
  }
}

/** A value we were asked to send breaks WeChat's documented rules; nothing was sent. */
export class WechatInvalidInputError extends Error {
  override name = 'WechatInvalidInputError'
}

/** A JS-SDK signature was requested for a page that is not ours (we never sign arbitrary hosts). */
export class JsSdkUrlNotAllowedError extends Error {
  override name = 'JsSdkUrlNotAllowedError'
  constructor(readonly origin: string | null) {
    super(origin === null ? 'JS-SDK url is not a valid absolute http(s) URL' : `JS-SDK url origin ${origin} is not allowed`)
  }
}

/** errcodes meaning "this access_token is not (or no longer) valid"; WeChat uses all three for expiry. */
const ACCESS_TOKEN_REJECTED = new Set([40001, 40014, 42001])

export function isAccessTokenRejected(error: unknown): error is WechatApiError {
  return error instanceof WechatApiError && ACCESS_TOKEN_REJECTED.has(error.errcode)
}
