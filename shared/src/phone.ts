/** Mainland China mobile numbers: 11 digits starting 1[3-9]. */
export const PHONE_PATTERN = '^1[3-9]\\d{9}$'
const PHONE = new RegExp(PHONE_PATTERN)

export function normalisePhone(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s-]+/g, '')
    .replace(/^\+?86(?=1\d{10}$)/, '')
}

export function isMobilePhone(value: string): boolean {
  return PHONE.test(value)
}

export function maskPhone(value: string): string {
  return value.length === 11 ? `${value.slice(0, 3)}****${value.slice(7)}` : '*'.repeat(value.length)
}
