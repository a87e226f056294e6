/**
 * Resident ID number (居民身份证号码) rules, GB 11643-1999: 6-digit region code, 8-digit birth date
 * (YYYYMMDD), 3-digit sequence and an ISO 7064 MOD 11-2 check character (0-9 or X).
 * Shared by the H5 (to say exactly what is wrong while typing) and the server (to decide).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK_CHARS = '10X98765432'

/** First two digits of region codes in use (provinces, autonomous regions, municipalities, HK/MO/TW). */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
])

export type IdNumberProblem =
  | 'empty'
  | 'length'
  | 'characters'
  | 'region'
  | 'birth_date'
  | 'check_digit'

export type IdNumberResult =
  | { ok: true; value: string; birthDate: string; normalised: boolean }
  | { ok: false; problem: IdNumberProblem; message: string }

const MESSAGES: Record<IdNumberProblem, string> = {
  empty: '请输入身份证号码',
  length: '身份证号码应为18位',
  characters: '身份证号码只能包含数字，最后一位可以是字母X',
  region: '身份证号码前6位（地区码）不正确',
  birth_date: '身份证号码中的出生日期（第7–14位）不正确',
  check_digit: '身份证号码校验位（最后一位）不正确，请核对',
}

/**
 * Removes what learners commonly paste by accident and fixes what is unambiguous: surrounding
 * and inner spaces, full-width digits and letters, a lower-case x.
 */
export function normaliseIdNumber(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, '')
    .toUpperCase()
}

export function idNumberCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number)
  return CHECK_CHARS[sum % 11] as string
}

function plausibleBirthDate(yyyymmdd: string, today: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  if (year < 1900) return false
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false
  return date.getTime() <= today.getTime()
}

/** Checks an ID number and returns its canonical form (upper-case X, no spaces) or what is wrong. */
export function checkIdNumber(raw: string, today: Date = new Date()): IdNumberResult {
  const value = normaliseIdNumber(raw)
  const fail = (problem: IdNumberProblem): IdNumberResult => ({ ok: false, problem, message: MESSAGES[problem] })
  if (value === '') return fail('empty')
  if (!/^[0-9X]+$/.test(value)) return fail('characters')
  if (value.length !== 18) return fail('length')
  if (!/^\d{17}[0-9X]$/.test(value)) return fail('characters')
  if (!PROVINCE_CODES.has(value.slice(0, 2)) || value.slice(2, 6) === '0000') return fail('region')
  const birth = value.slice(6, 14)
  if (!plausibleBirthDate(birth, today)) return fail('birth_date')
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return fail('check_digit')
  return {
    ok: true,
    value,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    normalised: value !== raw,
  }
}

/** 5001…1234 style masking for anyone but the owner (and the owner's lists). */
export function maskIdNumber(value: string): string {
  return value.length < 8 ? '*'.repeat(value.length) : `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`
}
