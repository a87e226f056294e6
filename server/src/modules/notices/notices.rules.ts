import { idNumberCheckChar } from '@app/shared'

/**
 * Pure rules for notice contents: WeChat checks each template value by its key's type prefix and
 * refuses a bad one with 47003 (docs/wechat-protocol.md §8.2.3), so every value is fitted here before
 * it is queued. Values stay meaningful when cut (an ellipsis marks the cut), and no value ever
 * carries an ID number or a mobile number.
 */

export type KeyType =
  | 'thing'
  | 'number'
  | 'letter'
  | 'symbol'
  | 'character_string'
  | 'time'
  | 'date'
  | 'amount'
  | 'phone_number'
  | 'car_number'
  | 'name'
  | 'phrase'

const PREFIXES: KeyType[] = ['character_string', 'phone_number', 'car_number', 'thing', 'number', 'letter', 'symbol', 'time', 'date', 'amount', 'name', 'phrase']

/** The type of a template key (`thing1` → thing, `character_string12` → character_string); null for old `keywordN` keys. */
export function keyType(key: string): KeyType | null {
  const prefix = key.replace(/\d+$/, '')
  return (PREFIXES as string[]).includes(prefix) ? (prefix as KeyType) : null
}

const HAN = /\p{Script=Han}/u
const MAX_THING = 20

/** Characters as WeChat counts them (code points, not UTF-16 units). */
function chars(value: string): string[] {
  return [...value]
}

/** Cuts to `max` characters, the last one an ellipsis when something was cut. */
export function cut(value: string, max: number): string {
  const all = chars(value)
  return all.length <= max ? value : `${all.slice(0, max - 1).join('')}…`
}

/** True for a valid 18-character resident ID number anywhere in the text, or an 11-digit mainland mobile number. */
export function carriesPersonalNumber(value: string): boolean {
  for (const match of value.matchAll(/\d{17}[\dXx]/g)) {
    const id = match[0].toUpperCase()
    if (idNumberCheckChar(id.slice(0, 17)) === id[17]) return true
  }
  return /(^|\D)1[3-9]\d{9}(\D|$)/.test(value)
}

/** Replaces ID numbers and mobile numbers by asterisks (free text only; typed values are refused instead). */
function scrub(value: string): string {
  return value.replace(/\d{17}[\dXx]|(?<!\d)1[3-9]\d{9}(?!\d)/g, (m) => (carriesPersonalNumber(m) ? '*'.repeat(4) : m))
}

export class NoticeValueError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`notice value ${key}: ${reason}`)
  }
}

/**
 * One value fitted to its key's rule. Text (`thing`) is cut to 20 characters with an ellipsis and
 * loses line breaks; a `phrase` must be ≤ 5 Chinese characters; `character_string` is ASCII only.
 * Throws NoticeValueError for a value that cannot be fitted (a programming error: WeChat would refuse it).
 */
export function fitValue(key: string, raw: string): string {
  const value = raw.replace(/[\r\n\t]+/g, ' ').trim()
  if (value === '') throw new NoticeValueError(key, 'empty')
  const type = keyType(key)
  switch (type) {
    case null:
    case 'thing':
      return cut(scrub(value), MAX_THING)
    case 'name':
      return cut(scrub(value), HAN.test(value) ? 10 : 20)
    case 'phrase':
      if (!/^\p{Script=Han}{1,5}$/u.test(value)) throw new NoticeValueError(key, 'a phrase is 1–5 Chinese characters')
      return value
    case 'number':
      if (!/^\d+(\.\d+)?$/.test(value) || value.replace('.', '').length > 32) throw new NoticeValueError(key, 'not a number')
      return value
    case 'letter':
      if (!/^[A-Za-z]{1,32}$/.test(value)) throw new NoticeValueError(key, 'letters only')
      return value
    case 'symbol':
      if (!/^[^\p{L}\p{N}\p{C}]{1,5}$/u.test(value)) throw new NoticeValueError(key, 'symbols only')
      return value
    case 'character_string':
      if (!/^[\x21-\x7e]{1,32}$/.test(value)) throw new NoticeValueError(key, 'ASCII without spaces, at most 32')
      if (carriesPersonalNumber(value)) throw new NoticeValueError(key, 'carries an ID or phone number')
      return value
    case 'phone_number':
      // Our notices never carry a learner's phone; only the service hotline may appear here.
      if (!/^[\d+\-() ]{1,17}$/.test(value) || carriesPersonalNumber(value)) throw new NoticeValueError(key, 'not a service number')
      return value
    case 'time':
      if (!/^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}(~.+)?$/.test(value) && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(value)) {
        throw new NoticeValueError(key, 'not a time')
      }
      return value
    case 'date':
      if (!/^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$/.test(value)) throw new NoticeValueError(key, 'not a date')
      return value
    case 'amount':
      if (!/^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(value)) throw new NoticeValueError(key, 'not an amount')
      return value
    case 'car_number':
      throw new NoticeValueError(key, 'not used by our notices')
  }
}

/** Fits every value of a notice (see fitValue). */
export function fitData(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, fitValue(key, value)]))
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000

function shanghaiParts(at: Date) {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS)
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), hh: d.getUTCHours(), mm: d.getUTCMinutes() }
}

/** `2026年12月5日 17:30` in China time: a `time` value. */
export function formatTime(at: Date): string {
  const p = shanghaiParts(at)
  return `${p.y}年${p.m}月${p.d}日 ${String(p.hh).padStart(2, '0')}:${String(p.mm).padStart(2, '0')}`
}

/** `2026年12月5日` in China time: a `date` value. */
export function formatDate(at: Date): string {
  const p = shanghaiParts(at)
  return `${p.y}年${p.m}月${p.d}日`
}

/** `¥1980.00`: an `amount` value from integer fen. */
export function formatAmount(fen: number): string {
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}

/** Remaining 学时 as a `number` value: `12` or `2.5`, never negative. */
export function formatHours(hours: number): string {
  const h = Math.max(0, Math.round(hours * 10) / 10)
  return Number.isInteger(h) ? String(h) : h.toFixed(1)
}

/** Retry delay after the n-th failed attempt (1-based): 30 s, 1 min, 2 min … capped at 1 hour. */
export function backoffMs(attempt: number): number {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempt - 1))
}

/** How WeChat's answer to a send is handled (docs/wechat-protocol.md §8.1–8.3, §8.5). */
export type SendVerdict =
  | { kind: 'retry'; reason: string }
  | { kind: 'pause_minute'; reason: string }
  | { kind: 'pause_day'; reason: string }
  | { kind: 'token' }
  | { kind: 'drop'; reason: string }

export const DROP_REASONS: Record<number, string> = {
  40003: 'invalid_openid',
  40036: 'bad_template',
  40037: 'bad_template',
  43004: 'not_following',
  43019: 'blacklisted',
  43101: 'no_subscription',
  47001: 'bad_body',
  47003: 'bad_field',
  48001: 'unauthorized',
}

/** The verdict for a non-zero errcode. Unknown codes are dropped (not retried forever) with the code as reason. */
export function verdictFor(errcode: number): SendVerdict {
  if (errcode === 40001 || errcode === 40014 || errcode === 42001) return { kind: 'token' }
  if (errcode === -1 || errcode === 43116 || errcode === 43117) return { kind: 'retry', reason: errcode === -1 ? 'system_busy' : 'too_frequent' }
  if (errcode === 45011) return { kind: 'pause_minute', reason: 'minute_quota' }
  if (errcode === 45009) return { kind: 'pause_day', reason: 'daily_quota' }
  return { kind: 'drop', reason: DROP_REASONS[errcode] ?? `errcode_${errcode}` }
}

/**
 * The reminder stage due at `now` for a deadline and a schedule of days before it (e.g. [30, 14, 3]):
 * the smallest number of days whose moment has passed, or null before the first and after the deadline.
 */
export function dueReminderStage(deadline: Date, daysBefore: readonly number[], now: Date): number | null {
  if (now.getTime() >= deadline.getTime()) return null
  const passed = daysBefore.filter((d) => now.getTime() >= deadline.getTime() - d * 86_400_000)
  return passed.length === 0 ? null : Math.min(...passed)
}
