import { describe, expect, it } from 'vitest'
import { isRealName, normaliseRealName } from './real-name.ts'

describe('real-name rule', () => {
  it('takes 2–30 Chinese or Latin letters with the middle dot, after trimming and joining spaces', () => {
    expect(normaliseRealName('  阿依古丽·  买买提 ')).toBe('阿依古丽· 买买提')
    expect(isRealName('张三')).toBe(true)
    expect(isRealName('Maria·Garcia')).toBe(true)
    expect(isRealName('张')).toBe(false)
    expect(isRealName('张三3')).toBe(false)
    expect(isRealName('张'.repeat(31))).toBe(false)
  })
})
