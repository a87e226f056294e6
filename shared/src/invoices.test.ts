import { describe, expect, it } from 'vitest'
import { taxpayerIdWarning, unifiedCreditCodeCheckChar } from './invoice-rules.ts'
import { applyRefusal, modifyRefusal, shanghaiYear, taxIncluded } from './invoices.ts'

describe('GB 32100 check character', () => {
  it('matches real unified social credit codes', () => {
    expect(unifiedCreditCodeCheckChar('9144030071526726X')).toBe('G')
    expect(unifiedCreditCodeCheckChar('91110000802100433')).toBe('B')
  })

  it('warns (never refuses) on a wrong check character, and has nothing to say about 15/20-character ids', () => {
    expect(taxpayerIdWarning('91110000802100433B')).toBeNull()
    expect(taxpayerIdWarning('91110000802100433C')).toContain('核实')
    expect(taxpayerIdWarning('500103123456789')).toBeNull()
    expect(taxpayerIdWarning('50010312345678901234')).toBeNull()
  })
})

describe('invoice rules in Asia/Shanghai time (INV-3)', () => {
  it('puts 31 Dec 16:00 UTC in the next Shanghai year', () => {
    expect(shanghaiYear(new Date('2025-12-31T15:59:59Z'))).toBe(2025)
    expect(shanghaiYear(new Date('2025-12-31T16:00:00Z'))).toBe(2026)
  })

  it('applies only in the year of payment', () => {
    const paid = new Date('2025-02-01T00:00:00Z')
    expect(applyRefusal(paid, new Date('2025-12-31T15:59:59Z'))).toBeNull()
    expect(applyRefusal(paid, new Date('2025-12-31T16:00:00Z'))).toContain('不能跨年补开发票')
  })

  it('modifies through the 15th day after issue, once, never in another year', () => {
    const issued = new Date('2025-03-01T01:00:00Z') // 1 March, 09:00 Shanghai
    expect(modifyRefusal(issued, 0, new Date('2025-03-16T15:59:59Z'))).toBeNull()
    expect(modifyRefusal(issued, 0, new Date('2025-03-16T16:00:00Z'))).toContain('15日内')
    expect(modifyRefusal(issued, 1, new Date('2025-03-02T00:00:00Z'))).toContain('只能修改1次')
    expect(modifyRefusal(new Date('2025-12-30T01:00:00Z'), 0, new Date('2025-12-31T16:00:00Z'))).toBe('发票跨年不可修改')
  })

  it('computes the tax included in an amount', () => {
    expect(taxIncluded(9000, 600)).toBe(509)
    expect(taxIncluded(9000, 100)).toBe(89)
  })
})
