import { describe, expect, it } from 'vitest'
import { isRealName, normaliseRealName } from './real-name.ts'

describe('the real-name rule', () => {
  it('accepts names as printed on ID cards: Chinese, Latin letters, middle dots, spaces between parts', () => {
    for (const name of ['张三', '欧阳娜娜', '阿卜杜拉·买买提', '迪丽热巴•迪力木拉提', 'John Smith', '艾力．吐尔逊']) {
      expect(isRealName(normaliseRealName(name))).toBe(true)
    }
  })

  it('refuses one character, more than thirty, digits, punctuation and emoji', () => {
    for (const name of ['张', '张'.repeat(31), '张三1', '张三!', '张三😀', '']) expect(isRealName(normaliseRealName(name))).toBe(false)
    expect(isRealName('张'.repeat(30))).toBe(true)
  })

  it('trims the name and makes each run of white space one space', () => {
    expect(normaliseRealName('  John \t  Smith ')).toBe('John Smith')
  })
})
