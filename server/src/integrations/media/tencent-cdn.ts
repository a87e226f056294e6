import { createHash } from 'node:crypto'

/**
 * Tencent Cloud CDN URL authentication (鉴权配置), the two schemes we support. The CDN checks
 * `timestamp + 有效时间 (set in its console) ≥ now` and the MD5, and answers 403 otherwise; it
 * strips the signature before going back to the origin. Formulas from Tencent's pages:
 * - TypeA https://www.tencentcloud.com/document/product/228/35222
 *   `/Filename?sign=timestamp-rand-uid-md5hash`, md5hash = md5(`/Filename-timestamp-rand-uid-key`),
 *   timestamp decimal, uid 0 (Tencent: "not in use").
 * - TypeC https://www.tencentcloud.com/document/product/228/35224 (and EdgeOne's Method C,
 *   /document/product/1145/62477, with its worked example)
 *   `/md5hash/timestamp/Filename`, md5hash = md5(key + /Filename + timestamp), timestamp in hex.
 * The path is signed as it appears in the URL (percent-encoded); Tencent forbids Chinese in
 * authenticated URLs, so media file names should be ASCII anyway.
 */

export type TencentAuthType = 'A' | 'C'

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex')

/** TypeA: `base + path + ?param=timestamp-rand-0-md5hash`. rand: 0–100 letters and digits. */
export function tencentTypeAUrl(input: { baseUrl: string; path: string; key: string; timestamp: number; rand: string; signParam: string }): string {
  const { baseUrl, path, key, timestamp, rand, signParam } = input
  const hash = md5(`${path}-${timestamp}-${rand}-0-${key}`)
  return `${baseUrl}${path}?${signParam}=${timestamp}-${rand}-0-${hash}`
}

/** TypeC: `base + /md5hash/hexTimestamp + path`. */
export function tencentTypeCUrl(input: { baseUrl: string; path: string; key: string; timestamp: number }): string {
  const { baseUrl, path, key, timestamp } = input
  const hex = timestamp.toString(16)
  return `${baseUrl}/${md5(`${key}${path}${hex}`)}/${hex}${path}`
}
