import { describe, expect, it } from 'vitest'
import { parseInvoice } from './invoices.config.ts'

const nuonuo = {
  INVOICE_PROVIDER: 'nuonuo',
  INVOICE_SELLER_NAME: '重庆市人力资源开发服务中心',
  INVOICE_SELLER_TAXPAYER_ID: '91110000802100433B',
  INVOICE_TAX_RATE: '0.03',
  INVOICE_TAX_CODE: '3070201020000000000',
  NUONUO_APP_KEY: 'appkey',
  NUONUO_APP_SECRET: 'appsecret',
  NUONUO_SELLER_ADDRESS: '重庆市渝北区某某路1号',
  NUONUO_SELLER_PHONE: '023-00000000',
  NUONUO_CLERK: '财务',
}

describe('invoice configuration', () => {
  it('reads 诺诺 with its default URLs', () => {
    const config = parseInvoice(nuonuo, 'production')
    expect(config).toMatchObject({ provider: 'nuonuo', taxRateBasisPoints: 300, itemName: '培训费' })
    expect(config.nuonuo?.apiUrl).toBe('https://sdk.nuonuo.com/open/v1/services')
  })

  it('refuses production with the development invoice provider (it issues 测试票据)', () => {
    expect(() => parseInvoice({ ...nuonuo, INVOICE_PROVIDER: 'development' }, 'production')).toThrow(/^INVOICE_PROVIDER=nuonuo is required/)
    expect(() => parseInvoice({ ...nuonuo, INVOICE_PROVIDER: undefined }, 'production')).toThrow(/^INVOICE_PROVIDER=nuonuo is required/)
    expect(() => parseInvoice({ ...nuonuo, NUONUO_APP_SECRET: undefined }, 'production')).toThrow(/^NUONUO_APP_SECRET is required/)
    expect(() => parseInvoice({ ...nuonuo, INVOICE_TAX_RATE: '6%' }, 'production')).toThrow(/^INVOICE_TAX_RATE must be/)
  })
})
