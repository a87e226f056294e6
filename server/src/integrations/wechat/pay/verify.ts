import { constants, createPublicKey, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { isStrictBase64 } from './base64.ts'

/**
 * Verifies WeChat Pay's signature on a response or notification: SHA256withRSA over
 * `TIMESTAMP\nNONCE\nBODY\n`, with the WeChat Pay public key (or platform certificate) chosen by
 * `Wechatpay-Serial`. Never throws: a probe or garbage is an ordinary "not ok".
 *
 * @see https://pay.weixin.qq.com/docs/merchant/development/interface-rules/signature-verification.html
 */

export interface WechatpaySignedMessage {
  /** Header values; undefined when the header is absent. */
  timestamp: string | undefined
  nonce: string | undefined
  signature: string | undefined
  serial: string | undefined
  /** The raw body exactly as received ('' for 204). */
  body: string
}

export type VerifyFailureReason =
  | 'missing_headers'
  | 'probe'
  | 'malformed_signature'
  | 'unknown_serial'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'bad_key'
  | 'bad_signature'

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailureReason }

/** WeChat and the official SDKs reject |now − timestamp| ≥ 5 minutes. */
export const MAX_CLOCK_SKEW_MS = 300_000
/** WeChat's deliberate wrong signatures, sent to check that merchants really verify. */
export const SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/'


export function buildVerifyString(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`
}

export function verifyWechatpaySignature(
  message: WechatpaySignedMessage,
  keys: Readonly<Record<string, string>>,
  nowMs: number,
): VerifyResult {
  const { timestamp, nonce, signature, serial, body } = message
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'missing_headers' }
  if (signature.startsWith(SIGNATURE_PROBE_PREFIX)) return { ok: false, reason: 'probe' }
  // Buffer.from(…, 'base64') skips invalid characters silently, so check the alphabet first.
  if (!isStrictBase64(signature)) return { ok: false, reason: 'malformed_signature' }
  const key = publicKeyFor(keys, serial)
  if (key === undefined) return { ok: false, reason: 'unknown_serial' }
  if (key === null) return { ok: false, reason: 'bad_key' }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' }
  if (Math.abs(nowMs - Number(timestamp) * 1000) >= MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'stale_timestamp' }
  try {
    const valid = verify(
      'sha256',
      Buffer.from(buildVerifyString(timestamp, nonce, body), 'utf8'),
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(signature, 'base64'),
    )
    return valid ? { ok: true } : { ok: false, reason: 'bad_signature' }
  } catch {
    return { ok: false, reason: 'bad_signature' }
  }
}

// Parsed keys by PEM text: a handful of configured keys, parsed once instead of per response.
const parsedKeys = new Map<string, KeyObject | null>()

/** undefined = unknown serial; null = configured but unparsable. */
function publicKeyFor(keys: Readonly<Record<string, string>>, serial: string): KeyObject | null | undefined {
  // hasOwn: a serial such as "constructor" or "__proto__" must not reach Object.prototype.
  const pem = Object.hasOwn(keys, serial) ? keys[serial] : undefined
  if (typeof pem !== 'string') return undefined
  let key = parsedKeys.get(pem)
  if (key === undefined) {
    try {
      // Accepts a PUBLIC KEY PEM (public-key mode) or an X.509 certificate (platform-certificate mode).
      key = createPublicKey(pem)
    } catch {
      key = null
    }
    parsedKeys.set(pem, key)
  }
  return key
}
