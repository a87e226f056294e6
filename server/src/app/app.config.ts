import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash } from 'node:crypto'
import { parseEnv } from 'node:util'
import { KEY_ID, type PersonalDataKeyring } from '../crypto/personal-data.ts'
import { ConfigError, parseBoolean, parseInteger, parseUrl, read, type AppEnv, type Env } from '../core/config-reading.ts'
import { parseSms, requireSmsInProduction, type SmsConfig } from '../modules/auth/auth.config.ts'
import { parseCertificate, requireCertificateSettingsInProduction, type CertificateSettings } from '../modules/certificates/certificates.config.ts'
import { parseGroupCheckDailyIds, parseTransferAccount, type TransferAccount } from '../modules/group-orders/group-orders.config.ts'
import { parseInvoice, type InvoiceConfig } from '../modules/invoices/invoices.config.ts'
import { parseNotices, requireNoticesInProduction, type NoticesConfig } from '../modules/notices/notices.config.ts'
import { parseAntiIdle, parseBatchWaitMs, parseRawRetentionDays, type LearningConfig } from '../modules/learning/learning.config.ts'
import { parseWechat, WECHAT_VARS, type WechatLiveConfig } from '../modules/wechat/wechat.config.ts'
import { parseMedia, type MediaConfig } from '../integrations/media/config.ts'

/**
 * The core configuration (database, port, public URL, data folder, production policy, secrets) and
 * the one reader of process.env: it validates everything once at start-up, asking each feature's
 * `<feature>.config.ts` to parse that feature's variables, and throws a ConfigError naming the bad
 * variable; server.ts prints that one line and exits non-zero.
 */

export { ConfigError, type AppEnv }

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

/**
 * A key for one purpose (cookies, staff tokens, SMS-code hashes, certificate signatures, file
 * links …) derived from the server secret, so one secret to keep yields keys that never stand in
 * for each other. Features get it as AppContext.deriveKey.
 */
export function deriveKey(serverSecret: string, purpose: string): string {
  return createHash('sha256').update(`${purpose}:${serverSecret}`).digest('base64url')
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
  sms: SmsConfig
  /** 防挂机: a question falls due after a random amount of credited time in this range (seconds). */
  antiIdle: LearningConfig['antiIdle']
  /** Days raw progress reports are kept (PROGRESS_RAW_RETENTION_DAYS, default 35). */
  progressRawRetentionDays: number
  /** How long a batch of progress reports waits to fill, ms (PROGRESS_BATCH_WAIT_MS, default 8). */
  progressBatchWaitMs: number
  /** Trust X-Forwarded-For from a reverse proxy (needed for per-address rate limits behind one). */
  trustProxy: boolean
  certificate: CertificateSettings
  /** null: 对公转账 is not offered. */
  transferAccount: TransferAccount | null
  /** 团体购买: ID numbers one buyer may have checked per 24 hours (modules/group-orders/check-quota.service.ts). */
  groupCheckDailyIds: number
  invoice: InvoiceConfig
  /** WeChat notices: templates per kind, send rate, deadline reminders, server URL Token / EncodingAESKey. */
  notices: NoticesConfig
  /**
   * Operator files served at the site root exactly as uploaded (WeChat's MP_verify_*.txt domain
   * verification and the like); null when not configured. See docs/go-live.md.
   */
  siteFilesDir: string | null
  /** Keys sealing ID numbers and phones at rest and keying their blind indexes (crypto/personal-data.ts). */
  personalDataKeys: PersonalDataKeyring
  /** Who serves course videos and how long a signed link works (MEDIA_*; integrations/media/config.ts). */
  media: MediaConfig
}

/**
 * The repository root: the nearest folder above this code holding pnpm-workspace.yaml. This file
 * runs from server/src/app/ (tsx) and bundled from server/dist/ (pnpm start), at different depths.
 */
function findRepoRoot(from: string): string {
  for (let dir = from; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir
  }
  throw new ConfigError(`cannot find the repository root (pnpm-workspace.yaml) above ${from}`)
}

const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)))

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
    requireSmsInProduction(sms)
    requireCertificateSettingsInProduction(env)
    requireNoticesInProduction(env)
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
    media: parseMedia(env, appEnv),
    progressRawRetentionDays: parseRawRetentionDays(env),
    progressBatchWaitMs: parseBatchWaitMs(env),
    trustProxy: parseBoolean(env, 'TRUST_PROXY', false),
    certificate: parseCertificate(env),
    transferAccount: parseTransferAccount(env, appEnv),
    groupCheckDailyIds: parseGroupCheckDailyIds(env),
    invoice: parseInvoice(env, appEnv),
    notices: parseNotices(env),
    siteFilesDir,
    seedDemoContent: parseBoolean(env, 'SEED_DEMO_CONTENT', appEnv !== 'production'),
    personalDataKeys: parsePersonalDataKeys(env, appEnv),
  }
}
