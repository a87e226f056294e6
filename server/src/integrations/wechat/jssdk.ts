import { createHash } from 'node:crypto'
import type { AppDb } from '../../db/client.ts'
import type { WechatApiSettings, WechatCallOptions } from './settings.ts'
import { JsSdkUrlNotAllowedError } from './errors.ts'
import { getJsapiTicket } from './jsapi-ticket.ts'
import { randomAlphanumeric } from './random.ts'

/**
 * The `wx.config` signature (JS-SDK 附录1): SHA-1 over the four fields in ASCII order, raw values.
 *
 * @see https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
 */

export interface JsSdkSignInput {
  ticket: string
  /** The page URL as the browser has it (decoded); any `#…` is dropped before signing. */
  url: string
  nonceStr: string
  timestamp: number | string
}

/** What the H5 passes to `wx.config` (plus its own jsApiList). */
export interface JsSdkConfig {
  appId: string
  timestamp: number
  nonceStr: string
  signature: string
}

/** Lowercase hex SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`. No escaping: WeChat signs raw values. */
export function signJsSdkConfig(input: JsSdkSignInput): string {
  const url = stripFragment(input.url)
  const plain = `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${url}`
  return createHash('sha1').update(plain, 'utf8').digest('hex')
}

/**
 * Signs `wx.config` for a page of ours. The URL must already be decoded from transport (the H5
 * sends it encodeURIComponent-ed; the route's query parsing decodes it). We never sign other hosts.
 */
export async function buildJsSdkConfig(
  db: AppDb,
  settings: WechatApiSettings,
  url: string,
  allowedOrigins: readonly string[],
  options: WechatCallOptions = {},
): Promise<JsSdkConfig> {
  assertOwnPage(url, allowedOrigins)
  const ticket = await getJsapiTicket(db, settings, options)
  const timestamp = Math.floor((options.now ?? Date.now)() / 1000)
  const nonceStr = randomAlphanumeric(16)
  return { appId: settings.appId, timestamp, nonceStr, signature: signJsSdkConfig({ ticket, url, nonceStr, timestamp }) }
}

function stripFragment(url: string): string {
  const hash = url.indexOf('#')
  return hash === -1 ? url : url.slice(0, hash)
}

function assertOwnPage(url: string, allowedOrigins: readonly string[]): void {
  // The URL parser silently drops tabs/newlines and trims spaces, which would make the checked URL
  // differ from the signed string; a real page URL has none of them.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse here
  if (/[\u0000-\u0020\u007f]/.test(url)) throw new JsSdkUrlNotAllowedError(null)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new JsSdkUrlNotAllowedError(null)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new JsSdkUrlNotAllowedError(null)
  if (parsed.username !== '' || parsed.password !== '') throw new JsSdkUrlNotAllowedError(parsed.origin)
  if (!allowedOrigins.some((allowed) => originOf(allowed) === parsed.origin)) throw new JsSdkUrlNotAllowedError(parsed.origin)
}

function originOf(value: string): string | null {
  try {
    return new URL(value).origin
  } catch {
    return null
  }
}
