import { formatFen } from '@app/shared/common'
import { describe, expect, it } from 'vitest'
import { formatDuration, formatHours, formatPrice } from './format.ts'

describe('formatPrice', () => {
  it.each([[9000, '¥90.00'], [1, '¥0.01'], [0, '¥0.00'], [123456, '¥1234.56']])('shows %i fen as %s: yuan with two decimals and the ¥ sign', (fen, shown) => {
    expect(formatPrice(fen)).toBe(shown)
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
  it.each([[2700, '45分钟'], [3600, '1小时'], [5430, '1小时31分钟'], [10, '1分钟']])('shows %i seconds as %s: rounded to minutes, in hours past sixty', (seconds, shown) => {
    expect(formatDuration(seconds)).toBe(shown)
  })
})
