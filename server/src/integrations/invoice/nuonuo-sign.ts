import { createHmac, randomBytes, randomInt } from 'node:crypto'

/**
 * 诺诺开放平台 request signature (X-Nuonuo-Sign): HMAC-SHA1 with the app secret over
 * `a={last path segment}&l={version}&p={first path segment}&k={appKey}&i={senid}&n={nonce}&t={timestamp}&f={body}`
 * for the service path /open/v1/services, base64-encoded. The body is signed exactly as sent.
 */
export interface NuonuoSignInput {
  servicePath: string
  appKey: string
  appSecret: string
  senid: string
  nonce: string
  timestamp: string
  body: string
}

export function nuonuoSignature(input: NuonuoSignInput): string {
  const [p = '', l = '', a = ''] = input.servicePath.split('/').filter((part) => part !== '')
  const signed = `a=${a}&l=${l}&p=${p}&k=${input.appKey}&i=${input.senid}&n=${input.nonce}&t=${input.timestamp}&f=${input.body}`
  return createHmac('sha1', input.appSecret).update(signed, 'utf8').digest('base64')
}

/** senid: a 32-character random id per request; nonce: an 8-digit random positive integer. */
export function nuonuoRequestIds(): { senid: string; nonce: string } {
  return { senid: randomBytes(16).toString('hex'), nonce: String(randomInt(10_000_000, 100_000_000)) }
}
