import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { ConfigError, read, parseUrl, type Env } from '../../core/config-reading.ts'

/**
 * WeChat's credentials (the official account and WeChat Pay merchant). All of them or none: none means
 * simulator mode (app/wechat-runtime.ts mounts the built-in simulator).
 */
export const WECHAT_VARS = [
  'WECHAT_APP_ID',
  'WECHAT_APP_SECRET',
  'WECHATPAY_MCH_ID',
  'WECHATPAY_MCH_SERIAL',
  'WECHATPAY_MCH_PRIVATE_KEY_FILE',
  'WECHATPAY_API_V3_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PUBLIC_KEY_FILE',
] as const

/** Live WeChat settings as the environment gives them: the keys are files, read by wechat-runtime.ts. */
export interface WechatLiveConfig extends Pick<WechatSettings, 'appId' | 'appSecret' | 'oauthBase' | 'apiBase' | 'payBase' | 'mchId' | 'mchSerial' | 'apiV3Key'> {
  mchPrivateKeyFile: string
  wechatpayPublicKeyId: string
  wechatpayPublicKeyFile: string
  /** Legacy platform certificate (hex serial + PEM file), accepted too while WeChat migrates notifications. */
  platformCert: { serial: string; file: string } | null
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

export function parseWechat(env: Env): WechatLiveConfig | null {
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
