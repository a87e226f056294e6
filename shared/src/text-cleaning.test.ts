import { describe, expect, it } from 'vitest'
import { replaceInvisible } from './text-cleaning.ts'

describe('replaceInvisible', () => {
  it('removes zero-width characters, BOM, soft hyphen and no-break spaces, and keeps the rest', () => {
    expect(replaceInvisible('\uFEFF5001\u200B0119\u00AD90\u00A0101\u202F0011')).toBe('50010119901010011')
    expect(replaceInvisible('张\u200B三', ' ')).toBe('张 三')
    expect(replaceInvisible('李 四')).toBe('李 四')
  })
})
