import { describe, expect, it } from 'vitest'
import { checkIdNumber, idNumberCheckChar, maskIdNumber, normaliseIdNumber } from './id-number.ts'

// 11010519491231002X is the example printed in GB 11643-1999 itself.
const STANDARD_EXAMPLE = '11010519491231002X'
const today = new Date('2026-11-27T00:00:00Z')

function withCheck(first17: string): string {
  return first17 + idNumberCheckChar(first17)
}

describe('checkIdNumber', () => {
  it('accepts the standard example and computes its check character', () => {
    expect(idNumberCheckChar(STANDARD_EXAMPLE.slice(0, 17))).toBe('X')
    expect(checkIdNumber(STANDARD_EXAMPLE, today)).toMatchObject({ ok: true, value: STANDARD_EXAMPLE, birthDate: '1949-12-31' })
  })

  it('upper-cases a final x and strips surrounding spaces and full-width digits, reporting the change', () => {
    const result = checkIdNumber(' １１010519491231002x ', today)
    expect(result).toMatchObject({ ok: true, value: STANDARD_EXAMPLE, normalised: true })
  })

  it.each([
    ['', 'empty'],
    ['11010519491231002', 'length'],
    ['110105194912310021X', 'length'],
    ['1101051949123100-X', 'characters'],
    ['X1010519491231002X', 'characters'],
    [withCheck('99010519491231002'), 'region'],
    [withCheck('50000019900101123'), 'region'],
    [withCheck('50010319900231123'), 'birth_date'],
    [withCheck('50010318890101123'), 'birth_date'],
    [withCheck('50010320300101123'), 'birth_date'],
    ['110105194912310021', 'check_digit'],
  ])('refuses %s as %s with a Chinese explanation', (raw, problem) => {
    const result = checkIdNumber(raw, today)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problem).toBe(problem)
      expect(result.message).toMatch(/身份证/)
    }
  })

  it('accepts a Chongqing number with a valid check digit', () => {
    const id = withCheck('50010319850612123')
    expect(checkIdNumber(id, today)).toMatchObject({ ok: true, value: id })
  })
})

describe('helpers', () => {
  it('normalises only unambiguous mistakes', () => {
    expect(normaliseIdNumber(' 5001 0319 8506 1212 3x ')).toBe('50010319850612123X')
  })
  it('masks all but the first and last four characters', () => {
    expect(maskIdNumber(STANDARD_EXAMPLE)).toBe('1101**********002X')
  })
})
