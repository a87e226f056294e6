import { describe, expect, it } from 'vitest'
import { beijingDayStart, beijingYear, beijingYearStart, defaultPlanYear } from './stats.rules.ts'

describe('统计 periods in Beijing time', () => {
  it('a day starts at 16:00 UTC the day before', () => {
    expect(beijingDayStart(new Date('2026-12-05T15:59:59Z')).toISOString()).toBe('2026-12-04T16:00:00.000Z')
    expect(beijingDayStart(new Date('2026-12-05T16:00:00Z')).toISOString()).toBe('2026-12-05T16:00:00.000Z')
  })

  it('the new year begins eight hours before it does in UTC', () => {
    expect(beijingYear(new Date('2026-12-31T16:30:00Z'))).toBe(2027)
    expect(beijingYearStart(2027).toISOString()).toBe('2026-12-31T16:00:00.000Z')
  })

  it('opens on the latest plan year not after this one', () => {
    expect(defaultPlanYear([2027, 2025, 2024], 2026)).toBe(2025)
    expect(defaultPlanYear([], 2026)).toBe(2026)
  })
})
