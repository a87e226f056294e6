import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, totpCode } from './totp.rules.ts'

// RFC 6238 Appendix B (SHA-1 rows, 8 digits) and RFC 4226 Appendix D, secret "12345678901234567890".
const RFC_SECRET = Buffer.from('12345678901234567890')

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  it('matches the RFC 4226 HOTP vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
    expect(expected.map((_, counter) => hotp(RFC_SECRET, counter))).toEqual(expected)
  })

  it('matches the RFC 6238 test vectors', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ]
    for (const [seconds, code] of vectors) expect(hotp(RFC_SECRET, Math.floor(seconds / 30), 8)).toBe(code)
  })

  it('accepts the code of the step before and after, and no further', () => {
    const secret = base32Encode(RFC_SECRET)
    const now = new Date(1_700_000_000_000)
    const at = (offsetSeconds: number) => totpCode(secret, new Date(now.getTime() + offsetSeconds * 1000))
    expect(matchTotp(secret, at(0), now)).not.toBeNull()
    expect(matchTotp(secret, at(-30), now)).not.toBeNull()
    expect(matchTotp(secret, at(30), now)).not.toBeNull()
    expect(matchTotp(secret, at(-90), now)).toBeNull()
    expect(matchTotp(secret, 'abcdef', now)).toBeNull()
  })

  it('round-trips Base32 and names issuer and account in the URI apps scan', () => {
    expect(base32Encode(RFC_SECRET)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').equals(RFC_SECRET)).toBe(true)
    const uri = otpauthUri('GEZDGNBVGY3TQOJQ', '继续教育管理后台', 'zhang.laoshi')
    expect(uri).toMatch(/^otpauth:\/\/totp\/.+\?secret=GEZDGNBVGY3TQOJQ&issuer=.+&algorithm=SHA1&digits=6&period=30$/)
  })
})
