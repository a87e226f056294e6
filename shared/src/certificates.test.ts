import { describe, expect, it } from 'vitest'
import { CERTIFICATE_NUMBER_ALPHABET, certificateCheckChar, isCertificateNumber, normaliseCertificateNumber } from './certificates.ts'

const body = 'CQ20257KQ2M9XH4T1B'
const number = body + certificateCheckChar(body)

describe('certificate numbers', () => {
  it('accepts a number with its check character, typed in lower case with spaces', () => {
    expect(isCertificateNumber(number)).toBe(true)
    expect(isCertificateNumber(normaliseCertificateNumber(` ${number.slice(0, 6).toLowerCase()} ${number.slice(6)} `))).toBe(true)
  })

  it('catches every single mistyped character and every swap of two neighbours', () => {
    for (let i = 2; i < number.length; i++) {
      for (const ch of CERTIFICATE_NUMBER_ALPHABET) {
        if (ch === number[i] || (i < 6 && !/\d/.test(ch))) continue
        expect(isCertificateNumber(number.slice(0, i) + ch + number.slice(i + 1))).toBe(false)
      }
      const swapped = number.slice(0, i - 1) + number[i] + number[i - 1] + number.slice(i + 1)
      if (i > 2 && number[i] !== number[i - 1] && i < number.length) expect(isCertificateNumber(swapped)).toBe(false)
    }
  })

  it('rejects letters outside the alphabet (I, L, O, U) and wrong lengths', () => {
    expect(isCertificateNumber(number.replace(/.$/, 'I'))).toBe(false)
    expect(isCertificateNumber(number.slice(0, -2))).toBe(false)
  })
})
