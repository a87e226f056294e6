import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig, withDotEnv } from './app.config.ts'

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..')

const liveWechat = {
  WECHAT_APP_ID: 'wx1234567890abcdef',
  WECHAT_APP_SECRET: 'secret',
  WECHATPAY_MCH_ID: '1900000001',
  WECHATPAY_MCH_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_MCH_PRIVATE_KEY_FILE: '/etc/keys/apiclient_key.pem',
  WECHATPAY_API_V3_KEY: 'a'.repeat(32),
  WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0000000000000024101100397200000006',
  WECHATPAY_PUBLIC_KEY_FILE: '/etc/keys/pub_key.pem',
}
const production = {
  APP_ENV: 'production',
  JWT_SECRET: 'x'.repeat(40),
  PUBLIC_BASE_URL: 'https://jxjy.example.cn',
  DATABASE_URL: 'postgres://app@db.internal:5432/app',
  SMS_PROVIDER: 'tencent',
  CERTIFICATE_ISSUER: '重庆市人力资源开发服务中心',
  CERTIFICATE_SEAL_TEXT: '重庆市人力资源开发服务中心',
  TENCENT_SMS_SECRET_ID: 'AKIDexample',
  TENCENT_SMS_SECRET_KEY: 'secret',
  TENCENT_SMS_SDK_APP_ID: '1400000000',
  TENCENT_SMS_SIGN_NAME: '重庆人社培训网',
  TENCENT_SMS_TEMPLATE_REGISTER: '100001',
  TENCENT_SMS_TEMPLATE_RESET_PASSWORD: '100002',
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
  DATA_KEYS: `k2026:${Buffer.alloc(32, 1).toString('base64')}`,
  DATA_KEY_CURRENT: 'k2026',
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
  WECHAT_SERVER_TOKEN: 'jxjyServerToken2026',
  ...liveWechat,
}

// Each feature's own variables are tested beside its <feature>.config.ts; here the core
// configuration and the production policy over all of them.
describe('loadConfig', () => {
  it('runs in development on PGlite and the simulator with no variables at all', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBeNull()
    expect(config.wechat).toBeNull()
    expect(config.publicBaseUrl).toBe('http://localhost:3000')
    expect(config.dataDir).toMatch(/\.data$/)
    // Progress batches wait 8 ms to fill (docs/deployment.md, "Sixth pass"); 0 is allowed.
    expect(config.progressBatchWaitMs).toBe(8)
    expect(loadConfig({ PROGRESS_BATCH_WAIT_MS: '0' }).progressBatchWaitMs).toBe(0)
  })

  it('lets PORT override the port and the default public URL', () => {
    const config = loadConfig({ PORT: '4123' })
    expect(config.port).toBe(4123)
    expect(config.publicBaseUrl).toBe('http://localhost:4123')
  })

  it.each([
    [{ PORT: 'abc' }, /^PORT /],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /^DATABASE_URL must start with postgres:/],
    [{ PUBLIC_BASE_URL: 'ftp://x' }, /^PUBLIC_BASE_URL must start with http/],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32/],
    [{ APP_ENV: 'staging' }, /^APP_ENV must be/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('accepts a complete production configuration', () => {
    const config = loadConfig(production)
    expect(config.appEnv).toBe('production')
    expect(config.wechat?.payBase).toBe('https://api.mch.weixin.qq.com')
    expect(config.wechat?.oauthBase).toBe('https://open.weixin.qq.com')
    expect(config.seedDemoContent).toBe(false)
    expect(config.invoice).toMatchObject({ provider: 'nuonuo', taxRateBasisPoints: 300, itemName: '培训费' })
    expect(config.invoice.nuonuo?.apiUrl).toBe('https://sdk.nuonuo.com/open/v1/services')
  })

  it.each([
    ['JWT_SECRET', /^JWT_SECRET is required/],
    ['WECHAT_APP_ID', /WECHAT_APP_ID is (required|missing)/],
    ['DATABASE_URL', /^DATABASE_URL is required/],
    ['SMS_PROVIDER', /^SMS_PROVIDER is required/],
    ['CERTIFICATE_SEAL_TEXT', /^CERTIFICATE_SEAL_TEXT is required/],
    ['DATA_KEYS', /^DATA_KEYS is (required|missing)/],
    ['DATA_KEY_CURRENT', /^DATA_KEY_CURRENT is missing/],
    ['BLIND_INDEX_KEY', /^BLIND_INDEX_KEY is missing/],
    ['WECHAT_SERVER_TOKEN', /^WECHAT_SERVER_TOKEN is required/],
  ])('refuses production without %s', (name, message) => {
    const env: Record<string, string | undefined> = { ...production }
    delete env[name]
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('refuses the sample server-URL Token in production', () => {
    expect(() => loadConfig({ ...production, WECHAT_SERVER_TOKEN: 'simulatortoken' })).toThrow('not the sample')
  })

  it('refuses production on the simulator or over plain http', () => {
    const { APP_ENV, JWT_SECRET, PUBLIC_BASE_URL, DATABASE_URL } = production
    expect(() => loadConfig({ APP_ENV, JWT_SECRET, PUBLIC_BASE_URL, DATABASE_URL })).toThrow(/WECHAT_APP_ID is required/)
    expect(() => loadConfig({ ...production, PUBLIC_BASE_URL: 'http://jxjy.example.cn' })).toThrow(/https/)
  })

})

describe('.env at the repository root', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dotenv-'))
  const file = path.join(dir, '.env')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is read when present, under the real environment, which wins', () => {
    writeFileSync(file, '# copied from .env.example\nPORT=4555\nANTI_IDLE_INTERVAL_SECONDS=20\nLOG_LEVEL="warn"\nDATABASE_URL=\n')
    const config = loadConfig(withDotEnv({ LOG_LEVEL: 'error' }, file))
    expect(config.port).toBe(4555)
    expect(config.antiIdle).toEqual({ minSeconds: 20, maxSeconds: 20 })
    expect(config.logLevel).toBe('error')
    // An empty value in the file means unset, as in .env.example.
    expect(config.databaseUrl).toBeNull()
  })

  it('is no error when missing', () => {
    expect(withDotEnv({ PORT: '4000' }, path.join(dir, 'missing.env'))).toEqual({ PORT: '4000' })
  })

  it('documents every variable the server reads in .env.example, which loads as it is', () => {
    const example = readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8')
    // The core configuration and every feature's <feature>.config.ts.
    const modules = path.join(REPO_ROOT, 'server/src/modules')
    const files = [
      path.join(REPO_ROOT, 'server/src/app/app.config.ts'),
      ...readdirSync(modules).flatMap((feature) => readdirSync(path.join(modules, feature)).filter((f) => f.endsWith('.config.ts')).map((f) => path.join(modules, feature, f))),
    ]
    expect(files.length).toBeGreaterThan(6)
    const source = files.map((file) => readFileSync(file, 'utf8')).join('\n')
    const read = new Set([...source.matchAll(/'([A-Z][A-Z0-9_]{2,})'/g)].map((m) => m[1]).filter((name) => name !== 'ENOENT'))
    const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]))
    expect([...read].filter((name) => !documented.has(name))).toEqual([])
    expect(() => loadConfig(withDotEnv({}, path.join(REPO_ROOT, '.env.example')))).not.toThrow()
  })
})

describe('a bad value', () => {
  it.each([
    [{ PORT: 'abc' }, 'e.g. PORT=3000'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'e.g. DATABASE_URL=postgres://'],
    [{ PUBLIC_BASE_URL: 'jxjy.example.cn' }, 'e.g. PUBLIC_BASE_URL=https://'],
    [{ TRUST_PROXY: 'yes' }, 'e.g. TRUST_PROXY=false'],
    [{ LOG_LEVEL: 'verbose' }, 'e.g. LOG_LEVEL=info'],
    [{ APP_ENV: 'prod' }, 'e.g. APP_ENV=production'],
    [{ PROGRESS_BATCH_WAIT_MS: '500' }, 'e.g. PROGRESS_BATCH_WAIT_MS=8'],
  ])('%o is refused with an example of a good one', (env, example) => {
    expect(() => loadConfig(env)).toThrow(example)
  })
})

describe('loadConfig: running several instances', () => {
  it('keeps prepared statements on and metrics off unless asked', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/app' })
    expect(config.databasePreparedStatements).toBe(true)
    expect(config.databasePoolMax).toBe(10)
    expect(config.metrics).toBeNull()
    expect(config.wechatSimulatorUrl).toBeNull()
  })

  it('turns prepared statements off for a transaction-mode pooler, with a direct URL for migrations', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@pgbouncer:6432/app',
      DATABASE_PREPARED_STATEMENTS: 'false',
      DATABASE_DIRECT_URL: 'postgres://app@db:5432/app',
      DATABASE_POOL_MAX: '20',
    })
    expect(config.databasePreparedStatements).toBe(false)
    expect(config.databaseDirectUrl).toBe('postgres://app@db:5432/app')
    expect(config.databasePoolMax).toBe(20)
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow('DATABASE_PREPARED_STATEMENTS must be "true" or "false"')
    expect(() => loadConfig({ DATABASE_DIRECT_URL: 'postgres://app@db:5432/app' })).toThrow('DATABASE_DIRECT_URL needs DATABASE_URL')
  })

  it('puts metrics on their own private listener, never on PORT', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ host: '127.0.0.1', port: 9464 })
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow('METRICS_PORT must differ from PORT')
  })

  it('accepts an external WeChat simulator only in development simulator mode', () => {
    expect(loadConfig({ WECHAT_SIMULATOR_URL: 'http://127.0.0.1:4000/' }).wechatSimulatorUrl).toBe('http://127.0.0.1:4000')
    expect(() => loadConfig({ ...production, WECHAT_SIMULATOR_URL: 'http://127.0.0.1:4000' })).toThrow('WECHAT_SIMULATOR_URL is for simulator mode')
  })

  it('reads the personal-data keyring, refusing bad keys, an unknown current key and the samples in production', () => {
    const keys = loadConfig({ ...production, DATA_KEYS: `old:${Buffer.alloc(32, 3).toString('base64')}, k2026:${Buffer.alloc(32, 1).toString('base64')}` }).personalDataKeys
    expect([...keys.keys.keys()]).toEqual(['old', 'k2026'])
    expect(keys).toMatchObject({ current: 'k2026', sample: false })
    expect(loadConfig({}).personalDataKeys.sample).toBe(true)
    expect(() => loadConfig({ ...production, DATA_KEYS: 'k2026:c2hvcnQ=' })).toThrow('DATA_KEYS must hold 32-byte keys')
    expect(() => loadConfig({ ...production, DATA_KEY_CURRENT: 'k2027' })).toThrow('DATA_KEY_CURRENT must name a key of DATA_KEYS')
    expect(() => loadConfig({ ...production, BLIND_INDEX_KEY: Buffer.alloc(32, 1).toString('base64') })).toThrow('BLIND_INDEX_KEY must differ')
    const sample = `sample:${Buffer.from('SAMPLE-dev-only-data-key-32-byte').toString('base64')}`
    expect(() => loadConfig({ ...production, DATA_KEYS: sample, DATA_KEY_CURRENT: 'sample' })).toThrow('must not be the published sample keys')
    expect(() => loadConfig({ DATA_KEYS: sample })).toThrow('DATA_KEY_CURRENT is missing')
  })
})
