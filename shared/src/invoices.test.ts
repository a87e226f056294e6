import { describe, expect, it } from 'vitest'
import { checkInvoiceDetails, invoiceTextProblem, taxpayerIdWarning, unifiedCreditCodeCheckChar } from './invoice-rules.ts'
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

describe('one rule for invoice details (checkInvoiceDetails)', () => {
  it('refuses markup, control and invisible characters, saying which field', () => {
    expect(invoiceTextProblem('重庆某某（集团）P&G·设计院', '发票抬头')).toBeNull()
    expect(invoiceTextProblem('<script>', '发票抬头')).toContain('发票抬头不能包含“<”“>”')
    expect(invoiceTextProblem('a\tb', '电子邮箱')).toContain('电子邮箱不能包含换行、制表符等控制字符')
    expect(invoiceTextProblem('a\u202eb', '发票抬头')).toContain('不可见字符')
  })

  it('answers invalid, unconfirmed or the cleaned details', () => {
    const unit = { titleType: 'unit', title: ' 重庆某某设计院 ', taxpayerId: '91110000802100433c', email: ' cw@example.cn ' } as const
    expect(checkInvoiceDetails(unit)).toMatchObject({ ok: false, kind: 'unconfirmed' })
    expect(checkInvoiceDetails({ ...unit, confirmTaxpayerId: true })).toEqual({
      ok: true,
      details: { titleType: 'unit', title: '重庆某某设计院', taxpayerId: '91110000802100433C', email: 'cw@example.cn' },
    })
    expect(checkInvoiceDetails({ ...unit, title: '<b>某某</b>' })).toMatchObject({ ok: false, kind: 'invalid' })
    expect(checkInvoiceDetails({ titleType: 'personal', title: '张三', email: 'zs@example.cn' })).toMatchObject({ ok: true, details: { taxpayerId: null } })
  })
})

describe('characters outside the basic plane', () => {
  it('keeps a rare name character (a surrogate pair) and refuses a lone half', () => {
    expect(invoiceTextProblem('张𠀀', '发票抬头')).toBeNull()
    expect(invoiceTextProblem('张\ud800', '发票抬头')).toContain('不可见字符')
  })
})
