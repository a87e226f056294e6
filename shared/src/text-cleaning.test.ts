import { describe, expect, it } from 'vitest'
import { removeInvisible } from './text-cleaning.ts'

describe('removeInvisible', () => {
  it('removes zero-width characters, word joiner, BOM, soft hyphen and no-break spaces', () => {
    expect(removeInvisible('\uFEFF5001\u200B03\u200C19\u200D85\u206006\u00AD12\u00A000\u202F1X')).toBe('50010319850612001X')
  })

  it('puts the replacement in their place when one is given, and leaves ordinary text alone', () => {
    expect(removeInvisible('张\u00A0三', ' ')).toBe('张 三')
    expect(removeInvisible('张 三 abc')).toBe('张 三 abc')
  })

  it('gives the same answer every time (no regex state carried between calls)', () => {
    for (let i = 0; i < 3; i++) expect(removeInvisible('a\u200Bb')).toBe('ab')
  })
})
