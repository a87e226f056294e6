// Plain TypeScript, no TypeBox: the H5 checks typed numbers with this at runtime
// (`@app/shared/certificate-number`); the server issues numbers with it.

/**
 * Certificate numbers: `CQ` + the project year + 12 random Crockford base32 characters (60 bits,
 * unguessable) + one Luhn mod 32 check character, so a mistyped number on the verification page is
 * caught before any lookup. Example: CQ2025 7KQ2M9XH4T1B R.
 */
export const CERTIFICATE_NUMBER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const CERTIFICATE_NUMBER_PATTERN = '^CQ\\d{4}[0-9A-HJKMNP-TV-Z]{13}$'
const NUMBER = new RegExp(CERTIFICATE_NUMBER_PATTERN)

/** Luhn mod N over the whole number (digits and letters of the alphabet; C and Q included). */
export function certificateCheckChar(body: string): string {
  const n = CERTIFICATE_NUMBER_ALPHABET.length
  let sum = 0
  let factor = 2
  for (let i = body.length - 1; i >= 0; i--) {
    const code = CERTIFICATE_NUMBER_ALPHABET.indexOf(body[i] as string)
    if (code < 0) throw new Error('character outside the certificate alphabet')
    const addend = factor * code
    sum += Math.floor(addend / n) + (addend % n)
    factor = factor === 2 ? 1 : 2
  }
  return CERTIFICATE_NUMBER_ALPHABET[(n - (sum % n)) % n] as string
}

/** Upper-cases and drops spaces and dashes people add when copying a number by hand. */
export function normaliseCertificateNumber(raw: string): string {
  return raw.replace(/[\s-]+/g, '').toUpperCase()
}

export function isCertificateNumber(value: string): boolean {
  return NUMBER.test(value) && certificateCheckChar(value.slice(0, -1)) === value.slice(-1)
}
