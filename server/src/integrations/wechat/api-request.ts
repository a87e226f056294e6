import type { WechatCallOptions } from './settings.ts'
import { WechatApiError, WechatBadResponseError, WechatNetworkError } from './errors.ts'

/**
 * One JSON call to the Official Account server API. WeChat reports failures as HTTP 200 with a
 * non-zero `errcode`, so the body decides success, not the status.
 *
 * @see docs/wechat-protocol.md §0 (errors come back as HTTP 200 with errcode), §1.7
 */

const DEFAULT_TIMEOUT_MS = 5_000
const DEFAULT_BUSY_RETRY_DELAY_MS = 300
const SYSTEM_BUSY = -1

export interface WechatApiRequest {
  /** A label without secrets, used in errors, e.g. `cgi-bin/stable_token`. */
  endpoint: string
  method: 'GET' | 'POST'
  /** Full URL; may hold the secret or a token, so it never reaches an error or a log. */
  url: string
  /** Already serialized JSON body (POST only). */
  body?: string
}

/** Sends the request, retrying once after errcode -1 (system busy); returns the JSON object. */
export async function callWechatApi(
  request: WechatApiRequest,
  options: WechatCallOptions = {},
): Promise<Record<string, unknown>> {
  try {
    return await callOnce(request, options)
  } catch (error) {
    if (!(error instanceof WechatApiError) || error.errcode !== SYSTEM_BUSY) throw error
    await sleep(options.busyRetryDelayMs ?? DEFAULT_BUSY_RETRY_DELAY_MS)
    return callOnce(request, options)
  }
}

async function callOnce(request: WechatApiRequest, options: WechatCallOptions): Promise<Record<string, unknown>> {
  const doFetch = options.fetch ?? fetch
  let text: string
  let status: number
  try {
    const response = await doFetch(request.url, {
      method: request.method,
      headers: request.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: request.body,
      // Following a redirect would resend the AppSecret or token to wherever it points.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
    status = response.status
    text = await response.text()
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    throw new WechatNetworkError(request.endpoint, timedOut ? 'timeout' : 'network', undefined, { cause: error })
  }
  if (status !== 200) throw new WechatNetworkError(request.endpoint, 'http_status', status)

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new WechatBadResponseError(request.endpoint, 'body is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WechatBadResponseError(request.endpoint, 'body is not a JSON object')
  }
  const body = json as Record<string, unknown>
  if (body.errcode !== undefined && body.errcode !== 0) {
    const errcode = typeof body.errcode === 'number' ? body.errcode : Number(body.errcode)
    if (!Number.isInteger(errcode)) throw new WechatBadResponseError(request.endpoint, 'errcode is not a number')
    throw new WechatApiError(request.endpoint, errcode, typeof body.errmsg === 'string' ? body.errmsg : '')
  }
  return body
}

/** Builds `base + path ? k=v&…` in the given order; WeChat pattern-matches some URLs, so never sort. */
export function buildQueryUrl(base: string, path: string, params: ReadonlyArray<readonly [string, string]>): string {
  const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')
  return `${base}${path}?${query}`
}

/** Reads a required string field from a successful answer. */
export function requireString(body: Record<string, unknown>, field: string, endpoint: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value === '') throw new WechatBadResponseError(endpoint, `missing ${field}`)
  return value
}

/** Reads `expires_in` (seconds); WeChat sends a number, some proxies a numeric string. */
export function requireExpiresIn(body: Record<string, unknown>, endpoint: string): number {
  const value = typeof body.expires_in === 'string' ? Number(body.expires_in) : body.expires_in
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new WechatBadResponseError(endpoint, 'missing expires_in')
  }
  return value
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
