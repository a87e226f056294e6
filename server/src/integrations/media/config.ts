import { ConfigError, parseInteger, parseUrl, read, type AppEnv, type Env } from '../../core/config-reading.ts'
import type { MediaProviderName } from './provider.ts'
import type { TencentAuthType } from './tencent-cdn.ts'

/** An S3-compatible bucket (MinIO, AWS S3, COS's S3 endpoint …). */
export interface S3MediaSettings {
  /** Path-style `https://minio.example.cn/videos` or virtual-hosted `https://videos.s3.ap-east-1.amazonaws.com`. */
  bucketUrl: string
  region: string
  accessKeyId: string
  secretAccessKey: string
}

/** A Tencent Cloud CDN domain with URL authentication (鉴权配置) switched on. */
export interface TencentCdnSettings {
  /** The CDN domain's origin, e.g. https://video.example.cn */
  baseUrl: string
  authType: TencentAuthType
  /** 鉴权密钥: 6–40 letters and digits (Tencent's rule). */
  key: string
  /** TypeA's parameter name (鉴权参数名), `sign` unless changed in the console. */
  signParam: string
}

/** MEDIA_*: which provider signs course media links, and for how long a link works. */
export interface MediaConfig {
  provider: MediaProviderName
  /** MEDIA_URL_TTL_SECONDS: a link's lifetime. Hours, not days: a shared link must die soon. */
  ttlSeconds: number
  s3: S3MediaSettings | null
  tencentCdn: TencentCdnSettings | null
}

export const DEFAULT_MEDIA_TTL_SECONDS = 4 * 3600

/** The built-in server with the default lifetime: what tests and a fresh checkout use. */
export const DEFAULT_MEDIA_CONFIG: MediaConfig = { provider: 'static', ttlSeconds: DEFAULT_MEDIA_TTL_SECONDS, s3: null, tencentCdn: null }

const PROVIDERS: MediaProviderName[] = ['static', 's3', 'cdn-tencent']

/** Secrets published in documentation and development setups; production refuses them. */
const WELL_KNOWN_SECRETS = ['minioadmin', 'minio123', 'S3RVER', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'changeme', 'password']

function required(env: Env, name: string, why: string): string {
  const value = read(env, name)
  if (value === undefined) throw new ConfigError(`${name} is required when ${why}`)
  return value
}

function mediaUrl(env: Env, name: string, appEnv: AppEnv): string {
  const url = parseUrl(name, required(env, name, `MEDIA_PROVIDER=${read(env, 'MEDIA_PROVIDER')}`), ['https:', 'http:'])
  // The H5 is https in production; an http video would be blocked as mixed content.
  if (appEnv === 'production' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an https:// URL when APP_ENV=production`)
  if (url.search || url.hash || url.username) throw new ConfigError(`${name} must be a plain URL without query, fragment or credentials, e.g. ${name}=https://video.example.cn`)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function parseS3(env: Env, appEnv: AppEnv): S3MediaSettings {
  const why = 'MEDIA_PROVIDER=s3'
  const secretAccessKey = required(env, 'MEDIA_S3_SECRET_ACCESS_KEY', why)
  if (appEnv === 'production' && (secretAccessKey.length < 16 || WELL_KNOWN_SECRETS.includes(secretAccessKey))) {
    throw new ConfigError('MEDIA_S3_SECRET_ACCESS_KEY is too weak for APP_ENV=production (at least 16 characters, not a published default such as minioadmin)')
  }
  return {
    bucketUrl: mediaUrl(env, 'MEDIA_S3_BUCKET_URL', appEnv),
    region: read(env, 'MEDIA_S3_REGION') ?? 'us-east-1',
    accessKeyId: required(env, 'MEDIA_S3_ACCESS_KEY_ID', why),
    secretAccessKey,
  }
}

function parseTencentCdn(env: Env, appEnv: AppEnv): TencentCdnSettings {
  const why = 'MEDIA_PROVIDER=cdn-tencent'
  const key = required(env, 'MEDIA_CDN_KEY', why)
  if (!/^[A-Za-z0-9]{6,40}$/.test(key)) throw new ConfigError('MEDIA_CDN_KEY must be the CDN console\'s 鉴权密钥: 6 to 40 letters and digits')
  if (appEnv === 'production' && key.length < 16) throw new ConfigError('MEDIA_CDN_KEY is too weak for APP_ENV=production (at least 16 letters and digits)')
  const authType = read(env, 'MEDIA_CDN_AUTH_TYPE') ?? 'A'
  if (authType !== 'A' && authType !== 'C') throw new ConfigError(`MEDIA_CDN_AUTH_TYPE must be A or C (Tencent's TypeA or TypeC), e.g. MEDIA_CDN_AUTH_TYPE=A (got "${authType}")`)
  const signParam = read(env, 'MEDIA_CDN_SIGN_PARAM') ?? 'sign'
  if (!/^\w{1,100}$/.test(signParam)) throw new ConfigError('MEDIA_CDN_SIGN_PARAM must be 1 to 100 letters, digits or underscores, e.g. MEDIA_CDN_SIGN_PARAM=sign')
  return { baseUrl: mediaUrl(env, 'MEDIA_CDN_BASE_URL', appEnv), authType, key, signParam }
}

/** MEDIA_PROVIDER (static | s3 | cdn-tencent, default static), MEDIA_URL_TTL_SECONDS and the chosen provider's settings. */
export function parseMedia(env: Env, appEnv: AppEnv): MediaConfig {
  const provider = read(env, 'MEDIA_PROVIDER') ?? 'static'
  if (!PROVIDERS.includes(provider as MediaProviderName)) {
    throw new ConfigError(`MEDIA_PROVIDER must be one of ${PROVIDERS.join(', ')}, e.g. MEDIA_PROVIDER=static (got "${provider}")`)
  }
  const ttlSeconds = parseInteger(env, 'MEDIA_URL_TTL_SECONDS', DEFAULT_MEDIA_TTL_SECONDS, 60, 12 * 3600)
  return {
    provider: provider as MediaProviderName,
    ttlSeconds,
    s3: provider === 's3' ? parseS3(env, appEnv) : null,
    tencentCdn: provider === 'cdn-tencent' ? parseTencentCdn(env, appEnv) : null,
  }
}
