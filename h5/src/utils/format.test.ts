import { describe, expect, it } from 'vitest'
import { formatDuration, formatHours, formatPrice } from './format.ts'

describe('formatPrice', () => {
  it.each([[9000, '¥90.00'], [1, '¥0.01'], [0, '¥0.00'], [123456, '¥1234.56']])('shows %i fen as %s: yuan with two decimals and the ¥ sign', (fen, shown) => {
    expect(formatPrice(fen)).toBe(shown)
  })
})

describe('formatHours', () => {
  it('drops decimals for whole hours and keeps one otherwise', () => {
    expect(formatHours(30)).toBe('30')
    expect(formatHours(1.5)).toBe('1.5')
  })
})

describe('formatDuration', () => {
  it.each([[2700, '45分钟'], [3600, '1小时'], [5430, '1小时31分钟'], [10, '1分钟']])('shows %i seconds as %s: rounded to minutes, in hours past sixty', (seconds, shown) => {
    expect(formatDuration(seconds)).toBe(shown)
  })
})
