import { beijingStamp, randomSuffix } from '../orders/orders.rules.ts'

/** WeChat keeps a prepay_id for 2 hours; we renew it a little before that. */
export const PREPAY_ID_LIFETIME_MS = 110 * 60_000
/** Polling by the H5 asks WeChat at most this often per order. */
export const QUERY_INTERVAL_MS = 3_000
/** WeChat refunds orders up to a year old (docs/wechat-protocol.md §3.10). */
export const REFUND_WINDOW_MS = 365 * 24 * 3600_000

/** A prepay_id is reused while it has more than a minute left; otherwise the identical request renews it. */
export function prepayNeedsRenewal(prepayId: string | null, expiresAt: Date | null, now: Date): boolean {
  return !prepayId || !expiresAt || expiresAt.getTime() - now.getTime() < 60_000
}

/** The bill description: the project title without 4-byte characters, at most 127 bytes. */
export function billDescription(title: string): string {
  let out = ''
  for (const ch of title.replace(/[\u{10000}-\u{10FFFF}]/gu, '')) {
    if (Buffer.byteLength(out + ch, 'utf8') > 127) break
    out += ch
  }
  return out || '继续教育培训'
}

/** Refund numbers: `RF` + Beijing time + random, unique per refund. */
export function newOutRefundNo(now: Date): string {
  return `RF${beijingStamp(now)}${randomSuffix(8)}`
}

/** RFC 3339 in Beijing time (+08:00), the form WeChat Pay uses for time_expire. */
export function toBeijingRfc3339(date: Date): string {
  const t = new Date(date.getTime() + 8 * 3600_000)
  return `${t.toISOString().slice(0, 19)}+08:00`
}
