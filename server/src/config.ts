import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

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

export interface WechatLiveConfig {
  appId: string
  appSecret: string
  oauthBase: string
  apiBase: string
  payBase: string
  mchId: string
  mchSerial: string
  mchPrivateKeyFile: string
  apiV3Key: string
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

/** Development default, visibly a sample; production offers 对公转账 only when it is configured. */
export const SAMPLE_TRANSFER_ACCOUNT: TransferAccount = {
  accountName: '重庆市某某继续教育培训中心（示例）',
  accountNumber: '5000 0000 0000 0000 000',
  bankName: '示例银行重庆分行',
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
  /**
   * Operator files served at the site root exactly as uploaded (WeChat's MP_verify_*.txt domain
   * verification and the like); null when not configured. See docs/go-live.md.
   */
  siteFilesDir: string | null
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

type Env = Record<string, string | undefined>

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function parsePort(env: Env): number {
  const raw = read(env, 'PORT') ?? '3000'
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535 (got "${raw}")`)
  }
  return port
}

function parseUrl(name: string, raw: string, protocols: string[]): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a valid URL`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`)
  }
  return url
}

function parsePlatformCert(env: Env): WechatLiveConfig['platformCert'] {
  const serial = read(env, 'WECHATPAY_PLATFORM_CERT_SERIAL')
  const file = read(env, 'WECHATPAY_PLATFORM_CERT_FILE')
  if (!serial && !file) return null
  if (!serial || !file) {
    throw new ConfigError(`${serial ? 'WECHATPAY_PLATFORM_CERT_FILE' : 'WECHATPAY_PLATFORM_CERT_SERIAL'} is missing: the platform certificate needs its serial and its file`)
  }
  if (!/^[0-9A-Fa-f]{8,64}$/.test(serial)) throw new ConfigError('WECHATPAY_PLATFORM_CERT_SERIAL must be the certificate serial in hex')
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
    throw new ConfigError('WECHATPAY_API_V3_KEY must be exactly 32 characters')
  }
  if (!/^\d{6,}$/.test(value('WECHATPAY_MCH_ID'))) throw new ConfigError('WECHATPAY_MCH_ID must be digits')
  if (!/^[0-9A-Fa-f]{8,64}$/.test(value('WECHATPAY_MCH_SERIAL'))) {
    throw new ConfigError('WECHATPAY_MCH_SERIAL must be the merchant certificate serial in hex')
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

function parseAntiIdle(env: Env, appEnv: AppEnv): Config['antiIdle'] {
  const raw = read(env, 'ANTI_IDLE_INTERVAL_SECONDS') ?? (appEnv === 'production' ? '300-900' : '60-180')
  const match = /^(\d+)-(\d+)$/.exec(raw)
  const min = Number(match?.[1])
  const max = Number(match?.[2])
  if (!match || min < 5 || max < min) {
    throw new ConfigError(`ANTI_IDLE_INTERVAL_SECONDS must be "min-max" seconds with 5 ≤ min ≤ max (got "${raw}")`)
  }
  return { minSeconds: min, maxSeconds: max }
}

function parseCertificate(env: Env): CertificateSettings {
  const issuerName = read(env, 'CERTIFICATE_ISSUER')
  const sealText = read(env, 'CERTIFICATE_SEAL_TEXT')
  for (const [name, value] of [['CERTIFICATE_ISSUER', issuerName], ['CERTIFICATE_SEAL_TEXT', sealText]] as const) {
    if (value !== undefined && [...value].length > 30) throw new ConfigError(`${name} must be at most 30 characters (it is printed on the certificate)`)
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
  if (provider !== 'tencent') throw new ConfigError(`SMS_PROVIDER must be "tencent" (got "${provider}")`)
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
      region: read(env, 'TENCENT_SMS_REGION') ?? 'ap-guangzhou',
      endpoint: endpoint.origin,
    },
  }
}

function parseSiteFilesDir(env: Env): string | null {
  const raw = read(env, 'SITE_FILES_DIR')
  if (raw === undefined) return null
  const dir = path.resolve(repoRoot, raw)
  // Fail at start-up rather than answer 404 to WeChat's domain check later.
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError(`SITE_FILES_DIR is not a directory: ${dir}`)
  return dir
}

export function loadConfig(env: Env = process.env): Config {
  const appEnvRaw = read(env, 'APP_ENV') ?? 'development'
  if (appEnvRaw !== 'development' && appEnvRaw !== 'production') {
    throw new ConfigError(`APP_ENV must be "development" or "production" (got "${appEnvRaw}")`)
  }
  const appEnv: AppEnv = appEnvRaw
  const port = parsePort(env)

  const databaseUrlRaw = read(env, 'DATABASE_URL')
  if (databaseUrlRaw !== undefined) {
    const url = parseUrl('DATABASE_URL', databaseUrlRaw, ['postgres:', 'postgresql:'])
    if (url.hostname === '' && !url.searchParams.has('host')) throw new ConfigError('DATABASE_URL has no host')
  }

  const publicBaseUrlRaw = read(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${port}`
  const publicBaseUrl = parseUrl('PUBLIC_BASE_URL', publicBaseUrlRaw, ['http:', 'https:']).origin

  const jwtSecret = read(env, 'JWT_SECRET') ?? null
  if (jwtSecret !== null && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters')
  }

  const wechat = parseWechat(env)
  const sms = parseSms(env)

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
    jwtSecret,
    wechat,
    logLevel: read(env, 'LOG_LEVEL') ?? 'info',
    h5DistDir: path.resolve(repoRoot, read(env, 'H5_DIST_DIR') ?? 'h5/dist'),
    seedDir: path.resolve(repoRoot, read(env, 'SEED_DIR') ?? 'server/seed/demo'),
    sms,
    antiIdle: parseAntiIdle(env, appEnv),
    trustProxy: (read(env, 'TRUST_PROXY') ?? 'false') === 'true',
    certificate: parseCertificate(env),
    transferAccount: parseTransferAccount(env, appEnv),
    siteFilesDir,
    seedDemoContent: (read(env, 'SEED_DEMO_CONTENT') ?? (appEnv === 'production' ? 'false' : 'true')) === 'true',
  }
}
