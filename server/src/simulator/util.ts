// Small helpers shared by the simulator modules: random identifiers shaped like WeChat's, and
// the +08:00 timestamps WeChat writes. Nothing here signs or verifies anything.
import { createHash, randomBytes, randomInt } from 'node:crypto'

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

export function randomDigits(length: number): string {
  let out = ''
  while (out.length < length) out += String(randomInt(0, 10))
  return out
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export function randomAlnum(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(0, ALNUM.length)]
  return out
}

/** Token-like opaque strings (WeChat tokens are long URL-safe strings; callers must not assume a length). */
export function randomToken(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4)).toString('base64url').slice(0, length)
}

/**
 * openids are 28 characters and start with `o`; those of one AppID share their first characters,
 * as real ones do, so code that accidentally mixes AppIDs produces visibly "foreign" openids.
 */
export function newOpenid(appid: string): string {
  const appPart = createHash('sha256').update(appid).digest('base64url').slice(0, 5)
  return `o${appPart}${randomToken(22)}`
}

/** The `, rid: …` trace suffix real api.weixin.qq.com errors carry, so exact-match bugs show up in tests. */
export function withRid(message: string): string {
  return `${message}, rid: ${randomHex(4)}-${randomHex(4)}-${randomHex(4)}`
}

/** RFC 3339 with the +08:00 offset WeChat uses in its own responses. */
export function rfc3339(ms: number): string {
  return `${new Date(ms + 8 * HOUR).toISOString().slice(0, 19)}+08:00`
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339_RE.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

/** Calendar day in China, for the daily quotas WeChat resets at midnight Beijing time. */
export function chinaDay(ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().slice(0, 10)
}

export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8')
}

/** WeChat Pay rejects characters that take 4 bytes in UTF-8 (emoji and other astral-plane characters). */
export function hasFourByteChar(value: string): boolean {
  return /[\u{10000}-\u{10FFFF}]/u.test(value)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Key-order independent JSON, used to compare "identical parameters" on idempotent re-entry. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isRecord(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Timers the simulator owns, so close() can cancel every pending notification or refund step. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>()
  private closed = false

  later(ms: number, fn: () => void): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.pending.delete(timer)
      fn()
    }, Math.max(0, ms))
    // A forgotten close() must not keep a dev process or test worker alive for a 6-hour retry.
    timer.unref()
    this.pending.add(timer)
  }

  get isClosed(): boolean {
    return this.closed
  }

  close(): void {
    this.closed = true
    for (const timer of this.pending) clearTimeout(timer)
    this.pending.clear()
  }
}
