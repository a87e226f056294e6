import { randomInt } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** Beijing time as YYYYMMDDHHmmss: order numbers read naturally for staff and learners. */
export function beijingStamp(now: Date): string {
  const t = new Date(now.getTime() + 8 * 3600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}`
}

/** Random characters from [0-9A-Z] without I and O, which read like 1 and 0 over the phone. */
export function randomSuffix(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)]
  return out
}

/** `JX` + Beijing time + 6 random characters: 22 of [0-9A-Z], inside WeChat's 6–32 [0-9A-Za-z_-]. */
export function newOutTradeNo(now: Date): string {
  return `JX${beijingStamp(now)}${randomSuffix(6)}`
}
