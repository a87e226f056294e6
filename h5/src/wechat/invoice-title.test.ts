import { describe, expect, it } from 'vitest'
import { parseWechatInvoiceTitle } from './invoice-title.ts'

describe('parseWechatInvoiceTitle (chooseInvoiceTitle result)', () => {
  it('reads a unit title with its tax number, normalised as typed input would be', () => {
    const info = JSON.stringify({ type: '0', title: ' 重庆某某设计院 ', taxNumber: '91110000802100433b', companyAddress: '', errMsg: 'chooseInvoiceTitle:ok' })
    expect(parseWechatInvoiceTitle(info)).toEqual({ titleType: 'unit', title: '重庆某某设计院', taxpayerId: '91110000802100433B' })
  })

  it('reads a personal title and drops any tax number', () => {
    expect(parseWechatInvoiceTitle({ type: '1', title: '张三', taxNumber: 'X' })).toEqual({ titleType: 'personal', title: '张三', taxpayerId: '' })
  })

  it('refuses what is not a title', () => {
    expect(parseWechatInvoiceTitle('not json')).toBeNull()
    expect(parseWechatInvoiceTitle({ type: '2', title: '张三' })).toBeNull()
    expect(parseWechatInvoiceTitle({ type: '0', title: '  ' })).toBeNull()
  })
})
