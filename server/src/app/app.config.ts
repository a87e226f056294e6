import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEnv } from 'node:util'
import type { WechatSettings } from '../integrations/wechat/settings.ts'
import { KEY_ID, type PersonalDataKeyring } from '../crypto/personal-data.ts'

/**
 * The only module that reads process.env. It validates everything once at start-up and throws a
 * ConfigError naming the bad variable; server.ts prints that one line and exits non-zero.
 */

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const WECHAT_VARS = [
  'WECHAT_APP_ID',
  'WECHAT_APP_SECRET',
  'WECHATPAY_MCH_ID',
  'WECHATPAY_MCH_SERIAL',
  'WECHATPAY_MCH_PRIVATE_KEY_FILE',
  'WECHATPAY_API_V3_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PUBLIC_KEY_FILE',
] as const

export type AppEnv = 'development' | 'production'

/** Live WeChat settings as the environment gives them: the keys are files, read by wechat-runtime.ts. */
export interface WechatLiveConfig extends Pick<WechatSettings, 'appId' | 'appSecret' | 'oauthBase' | 'apiBase' | 'payBase' | 'mchId' | 'mchSerial' | 'apiV3Key'> {
  mchPrivateKeyFile: string
  wechatpayPublicKeyId: string
  wechatpayPublicKeyFile: string
  /** Legacy platform certificate (hex serial + PEM file), accepted too while WeChat migrates notifications. */
  platformCert: { serial: string; file: string } | null
}

export interface TencentSmsConfig {
  secretId: string
  secretKey: string
  sdkAppId: string
  signName: string
  templateIds: { register: string; reset_password: string; bind_phone: string }
  /** Bulk registration's initial-password message (ACC-5); empty when not configured. */
  initialPasswordTemplateId: string
  region: string
  endpoint: string
}

/** Who issues certificates and what their seal says (CRT-3). */
export interface CertificateSettings {
  issuerName: string
  sealText: string
  /** True while the seal text is the built-in sample: the seal then reads 「样章」. */
  sealSample: boolean
}

/** Development defaults, marked as samples so nothing rendered with them passes for a real document. */
export const SAMPLE_CERTIFICATE_SETTINGS: CertificateSettings = {
  issuerName: '重庆市某某继续教育培训中心（示例）',
  sealText: '重庆市某某继续教育培训中心',
  sealSample: true,
}

/** The account units pay group orders into by 对公转账 (GRP-3); shown with each order's reference. */
export interface TransferAccount {
  accountName: string
  accountNumber: string
  bankName: string
}

/** 团体购买: ID numbers one buyer may have checked per 24 hours, unless GROUP_CHECK_DAILY_IDS says otherwise. */
export const DEFAULT_GROUP_CHECK_DAILY_IDS = 30_000

/** Development default, visibly a sample; production offers 对公转账 only when it is configured. */
export const SAMPLE_TRANSFER_ACCOUNT: TransferAccount = {
  accountName: '重庆市某某继续教育培训中心（示例）',
  accountNumber: '5000 0000 0000 0000 000',
  bankName: '示例银行重庆分行',
}

/** 电子发票 (INV-4): who sells, what is sold, and which provider issues (docs/invoices.md). */
export interface InvoiceConfig {
  provider: 'development' | 'nuonuo'
  sellerName: string
  sellerTaxpayerId: string
  itemName: string
  taxCode: string
  taxRateBasisPoints: number
  nuonuo: {
    appKey: string
    appSecret: string
    apiUrl: string
    tokenUrl: string
    sellerAddress: string
    sellerPhone: string
    clerk: string
    invoiceLine: string
  } | null
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

/**
 * Development and test keys for personal data at rest: public in this file, so whatever they seal
 * is not protected. Production refuses to start with them (DATA_KEYS, DATA_KEY_CURRENT and
 * BLIND_INDEX_KEY are required there; docs/security.md).
 */
export const SAMPLE_PERSONAL_DATA_KEYS: PersonalDataKeyring = {
  current: 'sample',
  keys: new Map([['sample', Buffer.from('U0FNUExFLWRldi1vbmx5LWRhdGEta2V5LTMyLWJ5dGU', 'base64url')]]),
  blindIndexKey: Buffer.from('U0FNUExFLWRldi1vbmx5LWJsaW5kLWluZGV4LWtleSE', 'base64url'),
  sample: true,
}

export interface Config {
  appEnv: AppEnv
  host: string
  port: number
  /** The origin users reach (no trailing slash); OAuth redirects and notify_url are built on it. */
  publicBaseUrl: string
  /** Git-ignored folder for the embedded database, development keys and simulator state. */
  dataDir: string
  /** PostgreSQL URL; absent means embedded PGlite under dataDir. */
  databaseUrl: string | null
  /**
   * Prepared statements on PostgreSQL (default on). Off for a transaction-mode pooler that cannot
   * keep them (PgBouncer < 1.21); with them on, start-up probes the connection and refuses such a pooler.
   */
  databasePreparedStatements: boolean
  /** Direct PostgreSQL URL for migrations when DATABASE_URL goes through a transaction-mode pooler. */
  databaseDirectUrl: string | null
  /** Connections this instance opens (to PostgreSQL or the pooler). */
  databasePoolMax: number
  /** Prometheus metrics on their own listener (never the public port); null: no metrics listener. */
  metrics: { host: string; port: number } | null
  /**
   * Development only: a WeChat simulator running as its own process, shared by several instances
   * (the local cluster); null mounts the built-in one at /wx-sim when there are no credentials.
   */
  wechatSimulatorUrl: string | null
  /** Absent in development: generated into dataDir on first run. */
  jwtSecret: string | null
  /** Absent means simulator mode: the built-in WeChat simulator is mounted and used. */
  wechat: WechatLiveConfig | null
  logLevel: string
  /** Where the built H5 lives; served at `/` when it exists. */
  h5DistDir: string
  /** Demo content (manifest + media) seeded into an empty database. */
  seedDir: string
  seedDemoContent: boolean
  /** SMS provider; null means the development outbox (refused in production). */
  sms: { provider: 'tencent'; tencent: TencentSmsConfig } | null
  /** 防挂机: a question falls due after a random amount of credited time in this range (seconds). */
  antiIdle: { minSeconds: number; maxSeconds: number }
  /** Trust X-Forwarded-For from a reverse proxy (needed for per-address rate limits behind one). */
  trustProxy: boolean
  certificate: CertificateSettings
  /** null: 对公转账 is not offered. */
  transferAccount: TransferAccount | null
  /** 团体购买: ID numbers one buyer may have checked per 24 hours (modules/group-orders/group-check.quota.ts). */
  groupCheckDailyIds: number
  invoice: InvoiceConfig
  /**
   * Operator files served at the site root exactly as uploaded (WeChat's MP_verify_*.txt domain
   * verification and the like); null when not configured. See docs/go-live.md.
   */
  siteFilesDir: string | null
  /** Keys sealing ID numbers and phones at rest and keying their blind indexes (crypto/personal-data.ts). */
  personalDataKeys: PersonalDataKeyring
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

type Env = Record<string, string | undefined>

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/**
 * The environment with the repository's `.env` underneath it: a variable set in the real environment
 * wins over the file, and no file is no error. The file is the `KEY=value` format `.env.example`
 * shows (Node's own parser: # comments, optional quotes); copy that file to `.env` and edit it.
 */
export function withDotEnv(env: Env = process.env, file: string = path.join(repoRoot, '.env')): Env {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env
    throw new ConfigError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  return { ...parseEnv(text), ...env }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

function parseLogLevel(env: Env): string {
  const level = read(env, 'LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, e.g. LOG_LEVEL=info (got "${level}")`)
  return level
}

function parsePort(env: Env): number {
  const raw = read(env, 'PORT') ?? '3000'
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, e.g. PORT=3000 (got "${raw}")`)
  }
  return port
}

/** A good value of each URL variable, shown in the message when one is wrong. */
const URL_EXAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://app:secret@127.0.0.1:5432/jxjy',
  PUBLIC_BASE_URL: 'https://jxjy.example.cn',
}

function parseUrl(name: string, raw: string, protocols: string[]): URL {
  const example = `e.g. ${name}=${URL_EXAMPLES[name] ?? `${protocols[0]}//host.example.cn`}`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a valid URL, ${example}`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, ${example}`)
  }
  return url
}

/** true or false (and nothing else: a typo must not silently mean false). */
function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name} must be "true" or "false", e.g. ${name}=${String(fallback)} (got "${raw}")`)
  return raw === 'true'
}

function parsePlatformCert(env: Env): WechatLiveConfig['platformCert'] {
  const serial = read(env, 'WECHATPAY_PLATFORM_CERT_SERIAL')
  const file = read(env, 'WECHATPAY_PLATFORM_CERT_FILE')
  if (!serial && !file) return null
  if (!serial || !file) {
    throw new ConfigError(`${serial ? 'WECHATPAY_PLATFORM_CERT_FILE' : 'WECHATPAY_PLATFORM_CERT_SERIAL'} is missing: the platform certificate needs its serial and its file`)
  }
  if (!/^[0-9A-Fa-f]{8,64}$/.test(serial)) {
    throw new ConfigError('WECHATPAY_PLATFORM_CERT_SERIAL must be the certificate serial in hex, e.g. WECHATPAY_PLATFORM_CERT_SERIAL=7132D72A03E93CDDF8C03BBD1F37EEDF43ACE7A2')
  }
  return { serial: serial.toUpperCase(), file }
}

function parseWechat(env: Env): WechatLiveConfig | null {
  const present = WECHAT_VARS.filter((name) => read(env, name) !== undefined)
  if (present.length === 0) return null
  const missing = WECHAT_VARS.filter((name) => read(env, name) === undefined)
  if (missing.length > 0) {
    throw new ConfigError(
      `${missing[0]} is missing: WeChat credentials must be set together (missing: ${missing.join(', ')}), or none of them for simulator mode`,
    )
  }
  const value = (name: (typeof WECHAT_VARS)[number]): string => read(env, name) as string
  const apiV3Key = value('WECHATPAY_API_V3_KEY')
  if (Buffer.byteLength(apiV3Key, 'utf8') !== 32) {
    throw new ConfigError('WECHATPAY_API_V3_KEY must be exactly 32 characters, e.g. WECHATPAY_API_V3_KEY=0123456789abcdefghijABCDEFGHIJ01')
  }
  if (!/^\d{6,}$/.test(value('WECHATPAY_MCH_ID'))) throw new ConfigError('WECHATPAY_MCH_ID must be digits, e.g. WECHATPAY_MCH_ID=1900000109')
  if (!/^[0-9A-Fa-f]{8,64}$/.test(value('WECHATPAY_MCH_SERIAL'))) {
    throw new ConfigError('WECHATPAY_MCH_SERIAL must be the merchant certificate serial in hex, e.g. WECHATPAY_MCH_SERIAL=444F4864EA9B34415E4F1E7E0E44B9D9')
  }
  const base = (name: string, fallback: string): string =>
    parseUrl(name, read(env, name) ?? fallback, ['https:', 'http:']).toString().replace(/\/$/, '')
  return {
    appId: value('WECHAT_APP_ID'),
    appSecret: value('WECHAT_APP_SECRET'),
    oauthBase: base('WECHAT_OAUTH_BASE', 'https://open.weixin.qq.com'),
    apiBase: base('WECHAT_API_BASE', 'https://api.weixin.qq.com'),
    payBase: base('WECHATPAY_API_BASE', 'https://api.mch.weixin.qq.com'),
    mchId: value('WECHATPAY_MCH_ID'),
    mchSerial: value('WECHATPAY_MCH_SERIAL').toUpperCase(),
    mchPrivateKeyFile: value('WECHATPAY_MCH_PRIVATE_KEY_FILE'),
    apiV3Key,
    wechatpayPublicKeyId: value('WECHATPAY_PUBLIC_KEY_ID'),
    wechatpayPublicKeyFile: value('WECHATPAY_PUBLIC_KEY_FILE'),
    platformCert: parsePlatformCert(env),
  }
}

const TENCENT_SMS_VARS = [
  'TENCENT_SMS_SECRET_ID',
  'TENCENT_SMS_SECRET_KEY',
  'TENCENT_SMS_SDK_APP_ID',
  'TENCENT_SMS_SIGN_NAME',
  'TENCENT_SMS_TEMPLATE_REGISTER',
  'TENCENT_SMS_TEMPLATE_RESET_PASSWORD',
] as const

/**
 * Credited viewing seconds between 防挂机 questions: a range "min-max" (each gap drawn at random in
 * it, so a script cannot time the next one) or one number for a fixed gap ("20" = "20-20").
 */
function parseAntiIdle(env: Env, appEnv: AppEnv): Config['antiIdle'] {
  const raw = read(env, 'ANTI_IDLE_INTERVAL_SECONDS') ?? (appEnv === 'production' ? '300-900' : '30-90')
  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(raw)
  const min = Number(match?.[1])
  const max = Number(match?.[2] ?? match?.[1])
  if (!match || min < 5 || max < min) {
    throw new ConfigError(
      `ANTI_IDLE_INTERVAL_SECONDS must be seconds of viewing between questions, a range "min-max" or one number, at least 5, e.g. ANTI_IDLE_INTERVAL_SECONDS=60-180 or ANTI_IDLE_INTERVAL_SECONDS=20 (got "${raw}")`,
    )
  }
  return { minSeconds: min, maxSeconds: max }
}

function parseCertificate(env: Env): CertificateSettings {
  const issuerName = read(env, 'CERTIFICATE_ISSUER')
  const sealText = read(env, 'CERTIFICATE_SEAL_TEXT')
  for (const [name, value] of [['CERTIFICATE_ISSUER', issuerName], ['CERTIFICATE_SEAL_TEXT', sealText]] as const) {
    if (value !== undefined && [...value].length > 30) {
      throw new ConfigError(`${name} must be at most 30 characters (it is printed on the certificate), e.g. ${name}=重庆市人力资源和社会保障局`)
    }
  }
  return {
    issuerName: issuerName ?? SAMPLE_CERTIFICATE_SETTINGS.issuerName,
    sealText: sealText ?? SAMPLE_CERTIFICATE_SETTINGS.sealText,
    sealSample: sealText === undefined,
  }
}

function parseTransferAccount(env: Env, appEnv: AppEnv): TransferAccount | null {
  const names = ['TRANSFER_ACCOUNT_NAME', 'TRANSFER_ACCOUNT_NUMBER', 'TRANSFER_BANK_NAME'] as const
  const values = names.map((name) => read(env, name))
  if (values.every((v) => v === undefined)) return appEnv === 'production' ? null : SAMPLE_TRANSFER_ACCOUNT
  const missing = names.find((_, i) => values[i] === undefined)
  if (missing) throw new ConfigError(`${missing} is missing: the transfer account needs its name, number and bank`)
  const [accountName, accountNumber, bankName] = values as [string, string, string]
  if (!/^[0-9 ]{8,40}$/.test(accountNumber)) throw new ConfigError('TRANSFER_ACCOUNT_NUMBER must be digits (spaces allowed)')
  return { accountName, accountNumber, bankName }
}

function parseSms(env: Env): Config['sms'] {
  const provider = read(env, 'SMS_PROVIDER')
  if (provider === undefined) return null
  if (provider !== 'tencent') throw new ConfigError(`SMS_PROVIDER must be "tencent" or empty, e.g. SMS_PROVIDER=tencent (got "${provider}")`)
  const missing = TENCENT_SMS_VARS.find((name) => read(env, name) === undefined)
  if (missing) throw new ConfigError(`${missing} is required when SMS_PROVIDER=tencent`)
  const value = (name: (typeof TENCENT_SMS_VARS)[number]) => read(env, name) as string
  const endpoint = parseUrl('TENCENT_SMS_ENDPOINT', read(env, 'TENCENT_SMS_ENDPOINT') ?? 'https://sms.tencentcloudapi.com', ['https:', 'http:'])
  return {
    provider: 'tencent',
    tencent: {
      secretId: value('TENCENT_SMS_SECRET_ID'),
      secretKey: value('TENCENT_SMS_SECRET_KEY'),
      sdkAppId: value('TENCENT_SMS_SDK_APP_ID'),
      signName: value('TENCENT_SMS_SIGN_NAME'),
      templateIds: {
        register: value('TENCENT_SMS_TEMPLATE_REGISTER'),
        reset_password: value('TENCENT_SMS_TEMPLATE_RESET_PASSWORD'),
        bind_phone: read(env, 'TENCENT_SMS_TEMPLATE_BIND_PHONE') ?? value('TENCENT_SMS_TEMPLATE_REGISTER'),
      },
      initialPasswordTemplateId: read(env, 'TENCENT_SMS_TEMPLATE_INITIAL_PASSWORD') ?? '',
      region: read(env, 'TENCENT_SMS_REGION') ?? 'ap-guangzhou',
      endpoint: endpoint.origin,
    },
  }
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

function parseInvoice(env: Env, appEnv: AppEnv): InvoiceConfig {
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
      apiUrl: url('NUONUO_API_URL', 'https://sdk.nuonuo.com/open/v1/services'),
      tokenUrl: url('NUONUO_TOKEN_URL', 'https://open.nuonuo.com/accessToken'),
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

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name) ?? String(fallback)
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, e.g. ${name}=${fallback} (got "${raw}")`)
  }
  return value
}

function parseMetrics(env: Env, port: number): Config['metrics'] {
  if (read(env, 'METRICS_PORT') === undefined) return null
  const metricsPort = parseInteger(env, 'METRICS_PORT', 0, 0, 65535)
  if (metricsPort !== 0 && metricsPort === port) throw new ConfigError('METRICS_PORT must differ from PORT (metrics are never on the public port)')
  return { host: read(env, 'METRICS_HOST') ?? '127.0.0.1', port: metricsPort }
}

function parseSiteFilesDir(env: Env): string | null {
  const raw = read(env, 'SITE_FILES_DIR')
  if (raw === undefined) return null
  const dir = path.resolve(repoRoot, raw)
  // Fail at start-up rather than answer 404 to WeChat's domain check later.
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError(`SITE_FILES_DIR is not a directory: ${dir}`)
  return dir
}

function parseKey(name: string, raw: string): Buffer {
  const key = Buffer.from(raw, 'base64')
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    throw new ConfigError(`${name} must hold 32-byte keys in base64, e.g. the output of: openssl rand -base64 32`)
  }
  return key
}

/**
 * DATA_KEYS=kid:base64key,kid2:base64key (every key still needed to open stored values),
 * DATA_KEY_CURRENT=kid2 (the one new values are sealed with), BLIND_INDEX_KEY=base64key. Separate
 * from JWT_SECRET and every other key; required in production, the marked samples elsewhere.
 */
function parsePersonalDataKeys(env: Env, appEnv: AppEnv): PersonalDataKeyring {
  const rawKeys = read(env, 'DATA_KEYS')
  const current = read(env, 'DATA_KEY_CURRENT')
  const blind = read(env, 'BLIND_INDEX_KEY')
  if (rawKeys === undefined && current === undefined && blind === undefined) {
    if (appEnv === 'production') throw new ConfigError('DATA_KEYS is required when APP_ENV=production (ID numbers and phones are encrypted at rest; see docs/security.md)')
    return SAMPLE_PERSONAL_DATA_KEYS
  }
  if (rawKeys === undefined) throw new ConfigError('DATA_KEYS is missing: DATA_KEYS, DATA_KEY_CURRENT and BLIND_INDEX_KEY are set together')
  if (current === undefined) throw new ConfigError('DATA_KEY_CURRENT is missing: it names the DATA_KEYS entry new values are sealed with, e.g. DATA_KEY_CURRENT=k2026')
  if (blind === undefined) throw new ConfigError('BLIND_INDEX_KEY is missing: DATA_KEYS, DATA_KEY_CURRENT and BLIND_INDEX_KEY are set together')
  const keys = new Map<string, Buffer>()
  for (const entry of rawKeys.split(',')) {
    const at = entry.indexOf(':')
    const kid = entry.slice(0, at).trim()
    if (at < 0 || !KEY_ID.test(kid)) throw new ConfigError('DATA_KEYS must be kid:base64key pairs separated by commas, e.g. DATA_KEYS=k2026:<openssl rand -base64 32>')
    if (keys.has(kid)) throw new ConfigError(`DATA_KEYS names key "${kid}" twice`)
    keys.set(kid, parseKey('DATA_KEYS', entry.slice(at + 1).trim()))
  }
  if (!keys.has(current)) throw new ConfigError(`DATA_KEY_CURRENT must name a key of DATA_KEYS (got "${current}")`)
  const blindIndexKey = parseKey('BLIND_INDEX_KEY', blind)
  if ([...keys.values()].some((k) => k.equals(blindIndexKey))) throw new ConfigError('BLIND_INDEX_KEY must differ from every key of DATA_KEYS')
  const sampleKeys = [...SAMPLE_PERSONAL_DATA_KEYS.keys.values(), SAMPLE_PERSONAL_DATA_KEYS.blindIndexKey]
  if (appEnv === 'production' && [...keys.values(), blindIndexKey].some((k) => sampleKeys.some((s) => s.equals(k)))) {
    throw new ConfigError('DATA_KEYS and BLIND_INDEX_KEY must not be the published sample keys when APP_ENV=production')
  }
  return { current, keys, blindIndexKey, sample: false }
}

/** Without an argument: the real environment over the repository's `.env` (server and operator scripts alike). */
export function loadConfig(env: Env = withDotEnv()): Config {
  const appEnvRaw = read(env, 'APP_ENV') ?? 'development'
  if (appEnvRaw !== 'development' && appEnvRaw !== 'production') {
    throw new ConfigError(`APP_ENV must be "development" or "production", e.g. APP_ENV=production (got "${appEnvRaw}")`)
  }
  const appEnv: AppEnv = appEnvRaw
  const port = parsePort(env)

  const databaseUrlRaw = read(env, 'DATABASE_URL')
  if (databaseUrlRaw !== undefined) {
    const url = parseUrl('DATABASE_URL', databaseUrlRaw, ['postgres:', 'postgresql:'])
    if (url.hostname === '' && !url.searchParams.has('host')) throw new ConfigError('DATABASE_URL has no host')
  }

  const databaseDirectUrl = read(env, 'DATABASE_DIRECT_URL')
  if (databaseDirectUrl !== undefined) {
    if (databaseUrlRaw === undefined) throw new ConfigError('DATABASE_DIRECT_URL needs DATABASE_URL (it is the direct route for migrations)')
    parseUrl('DATABASE_DIRECT_URL', databaseDirectUrl, ['postgres:', 'postgresql:'])
  }

  const publicBaseUrlRaw = read(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${port}`
  const publicBaseUrl = parseUrl('PUBLIC_BASE_URL', publicBaseUrlRaw, ['http:', 'https:']).origin

  const jwtSecret = read(env, 'JWT_SECRET') ?? null
  if (jwtSecret !== null && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters, e.g. the output of: openssl rand -base64 48')
  }

  const wechat = parseWechat(env)
  const sms = parseSms(env)
  const wechatSimulatorRaw = read(env, 'WECHAT_SIMULATOR_URL')
  const wechatSimulatorUrl = wechatSimulatorRaw === undefined ? null : parseUrl('WECHAT_SIMULATOR_URL', wechatSimulatorRaw, ['http:', 'https:']).toString().replace(/\/$/, '')
  if (wechatSimulatorUrl !== null && wechat !== null) throw new ConfigError('WECHAT_SIMULATOR_URL is for simulator mode: unset it or the WeChat credentials')

  if (appEnv === 'production') {
    // Production never runs on generated secrets, the simulator or a database on local disk.
    if (jwtSecret === null) throw new ConfigError('JWT_SECRET is required when APP_ENV=production')
    if (wechat === null) {
      throw new ConfigError(`${WECHAT_VARS[0]} is required when APP_ENV=production (real WeChat credentials; the simulator is for development)`)
    }
    if (!publicBaseUrl.startsWith('https://')) {
      throw new ConfigError('PUBLIC_BASE_URL must be an https:// origin when APP_ENV=production')
    }
    if (databaseUrlRaw === undefined) throw new ConfigError('DATABASE_URL is required when APP_ENV=production')
    if (wechatSimulatorUrl !== null) throw new ConfigError('WECHAT_SIMULATOR_URL is for development only')
    if (sms === null) throw new ConfigError('SMS_PROVIDER is required when APP_ENV=production (codes must really be sent)')
    // A production certificate must never carry the sample seal or issuer.
    for (const name of ['CERTIFICATE_ISSUER', 'CERTIFICATE_SEAL_TEXT'] as const) {
      if (read(env, name) === undefined) throw new ConfigError(`${name} is required when APP_ENV=production (certificates must not show the sample 样章)`)
    }
  }

  const dataDir = path.resolve(repoRoot, read(env, 'DATA_DIR') ?? '.data')
  const siteFilesDir = parseSiteFilesDir(env)
  return {
    appEnv,
    host: read(env, 'HOST') ?? '0.0.0.0',
    port,
    publicBaseUrl,
    dataDir,
    databaseUrl: databaseUrlRaw ?? null,
    databasePreparedStatements: parseBoolean(env, 'DATABASE_PREPARED_STATEMENTS', true),
    databaseDirectUrl: databaseDirectUrl ?? null,
    databasePoolMax: parseInteger(env, 'DATABASE_POOL_MAX', 10, 1, 500),
    metrics: parseMetrics(env, port),
    wechatSimulatorUrl,
    jwtSecret,
    wechat,
    logLevel: parseLogLevel(env),
    h5DistDir: path.resolve(repoRoot, read(env, 'H5_DIST_DIR') ?? 'h5/dist'),
    seedDir: path.resolve(repoRoot, read(env, 'SEED_DIR') ?? 'server/seed/demo'),
    sms,
    antiIdle: parseAntiIdle(env, appEnv),
    trustProxy: parseBoolean(env, 'TRUST_PROXY', false),
    certificate: parseCertificate(env),
    transferAccount: parseTransferAccount(env, appEnv),
    groupCheckDailyIds: parseInteger(env, 'GROUP_CHECK_DAILY_IDS', DEFAULT_GROUP_CHECK_DAILY_IDS, 1, 10_000_000),
    invoice: parseInvoice(env, appEnv),
    siteFilesDir,
    seedDemoContent: parseBoolean(env, 'SEED_DEMO_CONTENT', appEnv !== 'production'),
    personalDataKeys: parsePersonalDataKeys(env, appEnv),
  }
}
