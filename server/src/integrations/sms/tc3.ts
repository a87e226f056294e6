import { createHash, createHmac } from 'node:crypto'

/**
 * TencentCloud API 3.0 request signature, TC3-HMAC-SHA256, for a JSON POST to `/`.
 * Only content-type and host are signed: they are the two headers the method requires, and signing
 * nothing else keeps the canonical request independent of header order or casing on the wire.
 *
 * @see https://cloud.tencent.com/document/api/382/52072 (签名方法 v3, SMS API docs)
 * @see https://www.tencentcloud.com/document/api/382/40467 (Signature v3, English)
 */

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256'
const SIGNED_HEADERS = 'content-type;host'

export interface Tc3Input {
  secretId: string
  secretKey: string
  /** Product name, the first label of the API host (`sms` for sms.tencentcloudapi.com). */
  service: string
  host: string
  contentType: string
  /** Unix seconds; the same value must go out as X-TC-Timestamp. */
  timestamp: number
  /** The exact body text that is sent; it is hashed as UTF-8. */
  payload: string
}

export interface Tc3Signature {
  canonicalRequest: string
  stringToSign: string
  signature: string
  authorization: string
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest()
}

/** The credential date is the UTC date of the timestamp, not the local one (matters around 00:00 in UTC+8). */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10)
}

export function signTc3(input: Tc3Input): Tc3Signature {
  const date = tc3Date(input.timestamp)
  // Header names and values are lower-cased and trimmed, one `name:value\n` each, sorted by name.
  const canonicalHeaders =
    `content-type:${input.contentType.trim().toLowerCase()}\n` + `host:${input.host.trim().toLowerCase()}\n`
  // Method, URI, query (always empty for POST), headers, signed header list, payload hash.
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, SIGNED_HEADERS, sha256Hex(input.payload)].join('\n')
  const credentialScope = `${date}/${input.service}/tc3_request`
  const stringToSign = [TC3_ALGORITHM, String(input.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n')

  const secretDate = hmac(`TC3${input.secretKey}`, date)
  const secretService = hmac(secretDate, input.service)
  const secretSigning = hmac(secretService, 'tc3_request')
  const signature = createHmac('sha256', secretSigning).update(stringToSign, 'utf8').digest('hex')

  const authorization =
    `${TC3_ALGORITHM} Credential=${input.secretId}/${credentialScope}, ` +
    `SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`
  return { canonicalRequest, stringToSign, signature, authorization }
}
