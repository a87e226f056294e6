import { describe, expect, it } from 'vitest'
import { parseAntiIdle } from './learning.config.ts'

describe('ANTI_IDLE_INTERVAL_SECONDS', () => {
  it.each([
    [{ ANTI_IDLE_INTERVAL_SECONDS: '20s' }, 'e.g. ANTI_IDLE_INTERVAL_SECONDS=60-180'],
    [{ ANTI_IDLE_INTERVAL_SECONDS: '30-20' }, 'e.g. ANTI_IDLE_INTERVAL_SECONDS=60-180'],
  ])('%o is refused with an example of a good one', (env, example) => {
    expect(() => parseAntiIdle(env, 'development')).toThrow(example)
  })

  it('takes one number as a fixed gap, or a range', () => {
    expect(parseAntiIdle({ ANTI_IDLE_INTERVAL_SECONDS: '20' }, 'development')).toEqual({ minSeconds: 20, maxSeconds: 20 })
    expect(parseAntiIdle({ ANTI_IDLE_INTERVAL_SECONDS: '20-30' }, 'development')).toEqual({ minSeconds: 20, maxSeconds: 30 })
    expect(() => parseAntiIdle({ ANTI_IDLE_INTERVAL_SECONDS: '4' }, 'development')).toThrow(/at least 5/)
  })
})
