import { describe, expect, it } from 'vitest'
import { countGroupLines, maskName, normaliseGroupLine, parseGroupLines } from './group-lines.ts'
import { idNumberCheckChar } from './id-number.ts'

const id = (first17: string) => first17 + idNumberCheckChar(first17)
const A = id('50010319850612001')
const WITH_X = '11010519491231002X'

describe('normaliseGroupLine', () => {
  it('fixes and reports surrounding spaces, tabs, NBSP, zero-width characters, BOM, full-width digits and lower-case x', () => {
    expect(normaliseGroupLine(`  ${A}\t`)).toEqual({ value: A, fixes: ['spaces'] })
    expect(normaliseGroupLine(`\uFEFF${A}\u200B`)).toEqual({ value: A, fixes: ['invisible'] })
    expect(normaliseGroupLine(`\u00A0${A}\u00A0`)).toEqual({ value: A, fixes: ['invisible'] })
    const fullWidth = [...A].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')
    expect(normaliseGroupLine(fullWidth)).toEqual({ value: A, fixes: ['fullwidth'] })
    expect(normaliseGroupLine('11010519491231002x')).toEqual({ value: WITH_X, fixes: ['lowercase_x'] })
    expect(normaliseGroupLine('\u3000１１010519491231002ｘ ')).toEqual({ value: WITH_X, fixes: ['spaces', 'fullwidth', 'lowercase_x'] })
    expect(normaliseGroupLine(A)).toEqual({ value: A, fixes: [] })
  })

  it('gives the same answer for the same input every time (no regex state carried between lines)', () => {
    for (let i = 0; i < 3; i++) expect(normaliseGroupLine(` ${A}`).fixes).toEqual(['spaces'])
  })
})

describe('parseGroupLines', () => {
  it('checks format and check digit, finds duplicates, skips blank lines and keeps the pasted line numbers', () => {
    const text = [A, '', '123', `${A.slice(0, 17)}${A[17] === '0' ? '1' : '0'}`, ` ${A.toLowerCase()} `, WITH_X.toLowerCase(), '\u200B', '50010319851332001X'].join('\r\n')
    const parsed = parseGroupLines(text, new Date('2026-01-01'))
    expect(parsed.map((p) => [p.line, p.ok ? 'ok' : p.problem])).toEqual([
      [1, 'ok'],
      [3, 'length'],
      [4, 'check_digit'],
      [5, 'duplicate'],
      [6, 'ok'],
      [8, 'birth_date'],
    ])
    const dup = parsed.find((p) => p.line === 5)
    expect(dup?.ok === false && dup.message).toBe('与第1行重复')
    expect(parsed.find((p) => p.line === 6)?.fixes).toEqual(['lowercase_x'])
  })

  it('counts lines as the server does, ignoring blank and invisible-only lines', () => {
    expect(countGroupLines(`${A}\n\n \u200B\n${WITH_X}\n`)).toBe(2)
  })

  it('handles 5,000 lines in well under a second', () => {
    const text = Array.from({ length: 5000 }, (_, i) => id(`5001031985061${String(i).padStart(4, '0')}`)).join('\n')
    expect(parseGroupLines(text).filter((p) => p.ok)).toHaveLength(5000)
  })
})

describe('maskName', () => {
  it('keeps the first and last characters', () => {
    expect(maskName('张三')).toBe('张*')
    expect(maskName('张小明')).toBe('张*明')
    expect(maskName('欧阳小明')).toBe('欧**明')
    expect(maskName('王')).toBe('*')
  })
})
