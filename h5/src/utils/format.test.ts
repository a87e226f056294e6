import { formatFen } from '@app/shared/common'
import { describe, expect, it } from 'vitest'
import { formatDuration, formatHours, formatPrice } from './format.ts'

describe('formatPrice', () => {
  it('shows fen as yuan with two decimals and the ¥ sign', () => {
    expect(formatPrice(9000)).toBe('¥90.00')
    expect(formatPrice(1)).toBe('¥0.01')
    expect(formatPrice(0)).toBe('¥0.00')
    expect(formatPrice(123456)).toBe('¥1234.56')
  })

  it('agrees with formatFen from @app/shared', () => {
    for (const fen of [0, 1, 99, 100, 9000, 12345, 2_000_000]) expect(formatPrice(fen)).toBe(`¥${formatFen(fen)}`)
  })
})

describe('formatHours', () => {
  it('drops decimals for whole hours and keeps one otherwise', () => {
    expect(formatHours(30)).toBe('30')
    expect(formatHours(1.5)).toBe('1.5')
  })
})

describe('formatDuration', () => {
  it('rounds to minutes and switches to hours past sixty', () => {
    expect(formatDuration(2700)).toBe('45分钟')
    expect(formatDuration(3600)).toBe('1小时')
    expect(formatDuration(5430)).toBe('1小时31分钟')
    expect(formatDuration(10)).toBe('1分钟')
  })
})
