import { ConfigError, parseUrl, read, type AppEnv, type Env } from '../../core/config-reading.ts'
import { NUONUO_DEFAULT_API_URL, NUONUO_DEFAULT_TOKEN_URL, type NuonuoSettings } from '../../integrations/invoice/nuonuo.ts'

/** 电子发票 (INV-4): who sells, what is sold, and which provider issues (docs/invoices.md). */
export interface InvoiceConfig {
  provider: 'development' | 'nuonuo'
  sellerName: string
  sellerTaxpayerId: string
  itemName: string
  taxCode: string
  taxRateBasisPoints: number
  /** 诺诺's settings (integrations/invoice/nuonuo.ts) but the seller and callback, which come from above and the public URL. */
  nuonuo: Omit<NuonuoSettings, 'sellerName' | 'sellerTaxpayerId' | 'callbackUrl'> | null
}

/** Development defaults: the seller is marked as a sample, and only the development provider uses them. */
export const DEVELOPMENT_INVOICE_CONFIG: InvoiceConfig = {
  provider: 'development',
  sellerName: '重庆市某某继续教育培训中心（示例）',
  sellerTaxpayerId: '91500000MA5UXXXX0X',
  itemName: '培训费',
  taxCode: '3070201020000000000',
  taxRateBasisPoints: 600,
  nuonuo: null,
}

const NUONUO_VARS = ['NUONUO_APP_KEY', 'NUONUO_APP_SECRET', 'NUONUO_SELLER_ADDRESS', 'NUONUO_SELLER_PHONE', 'NUONUO_CLERK'] as const

function parseTaxRate(raw: string): number {
  const match = /^0\.(\d{1,4})$/.exec(raw)
  const basisPoints = match ? Math.round(Number(`0.${match[1]}`) * 10_000) : NaN
  if (!Number.isInteger(basisPoints) || basisPoints <= 0 || basisPoints > 1700) {
    throw new ConfigError(`INVOICE_TAX_RATE must be a decimal rate such as 0.06, 0.03 or 0.01 (got "${raw}")`)
  }
  return basisPoints
}

export function parseInvoice(env: Env, appEnv: AppEnv): InvoiceConfig {
  const provider = read(env, 'INVOICE_PROVIDER') ?? 'development'
  if (provider !== 'development' && provider !== 'nuonuo') throw new ConfigError(`INVOICE_PROVIDER must be "development" or "nuonuo" (got "${provider}")`)
  if (appEnv === 'production' && provider === 'development') {
    throw new ConfigError('INVOICE_PROVIDER=nuonuo is required when APP_ENV=production (the development provider issues 测试票据, not invoices)')
  }
  const d = DEVELOPMENT_INVOICE_CONFIG
  const sellerName = read(env, 'INVOICE_SELLER_NAME')
  const sellerTaxpayerId = read(env, 'INVOICE_SELLER_TAXPAYER_ID')
  const taxCode = read(env, 'INVOICE_TAX_CODE') ?? d.taxCode
  if (!/^\d{19}$/.test(taxCode)) throw new ConfigError('INVOICE_TAX_CODE must be the 19-digit 税收分类编码')
  if (sellerTaxpayerId !== undefined && !/^[0-9A-Z]{15,20}$/.test(sellerTaxpayerId)) throw new ConfigError('INVOICE_SELLER_TAXPAYER_ID must be 15–20 digits or capital letters')
  let nuonuo: InvoiceConfig['nuonuo'] = null
  if (provider === 'nuonuo') {
    for (const name of ['INVOICE_SELLER_NAME', 'INVOICE_SELLER_TAXPAYER_ID', 'INVOICE_TAX_RATE', 'INVOICE_TAX_CODE', ...NUONUO_VARS]) {
      if (read(env, name) === undefined) throw new ConfigError(`${name} is required when INVOICE_PROVIDER=nuonuo`)
    }
    const url = (name: string, fallback: string) => parseUrl(name, read(env, name) ?? fallback, ['https:', 'http:']).toString()
    nuonuo = {
      appKey: read(env, 'NUONUO_APP_KEY') as string,
      appSecret: read(env, 'NUONUO_APP_SECRET') as string,
      apiUrl: url('NUONUO_API_URL', NUONUO_DEFAULT_API_URL),
      tokenUrl: url('NUONUO_TOKEN_URL', NUONUO_DEFAULT_TOKEN_URL),
      sellerAddress: read(env, 'NUONUO_SELLER_ADDRESS') as string,
      sellerPhone: read(env, 'NUONUO_SELLER_PHONE') as string,
      clerk: read(env, 'NUONUO_CLERK') as string,
      invoiceLine: read(env, 'NUONUO_INVOICE_LINE') ?? 'pc',
    }
  }
  return {
    provider,
    sellerName: sellerName ?? d.sellerName,
    sellerTaxpayerId: sellerTaxpayerId ?? d.sellerTaxpayerId,
    itemName: read(env, 'INVOICE_ITEM_NAME') ?? d.itemName,
    taxCode,
    taxRateBasisPoints: parseTaxRate(read(env, 'INVOICE_TAX_RATE') ?? '0.06'),
    nuonuo,
  }
}
