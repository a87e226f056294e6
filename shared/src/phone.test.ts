import { describe, expect, it } from 'vitest'
import { isMobilePhone, maskPhone, normalisePhone } from './phone.ts'
import { passwordProblem } from './password.ts'

describe('phone', () => {
  it('accepts mainland mobile numbers after removing +86, spaces and dashes', () => {
    expect(normalisePhone('+86 138-0023-0001')).toBe('13800230001')
    expect(isMobilePhone('13800230001')).toBe(true)
    expect(isMobilePhone('12800230001')).toBe(false)
    expect(isMobilePhone('1380023000')).toBe(false)
  })
  it('masks the middle four digits', () => {
    expect(maskPhone('13800230001')).toBe('138****0001')
  })
})

describe('passwordProblem', () => {
  it.each([
    ['abc123', /至少8位/],
    ['abcdefgh', /字母和数字/],
    ['12345678', /字母和数字/],
    ['abc 12345', /空格/],
  ])('refuses %s', (pw, message) => {
    expect(passwordProblem(pw)).toMatch(message)
  })
  it('refuses a password containing the phone number', () => {
    expect(passwordProblem('a13800230001', { phone: '13800230001' })).toMatch(/手机号/)
  })
  it('accepts a sensible password', () => {
    expect(passwordProblem('Chongqing2025', { phone: '13800230001', idNumber: '11010519491231002X' })).toBeNull()
  })
})
