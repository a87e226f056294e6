import { describe, expect, it } from 'vitest'
import { parseWechat } from './wechat.config.ts'

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

describe('WeChat configuration', () => {
  it.each([
    [{ WECHAT_APP_ID: 'wx1' }, /^WECHAT_APP_SECRET is missing/],
    [{ ...liveWechat, WECHATPAY_API_V3_KEY: 'short' }, /^WECHATPAY_API_V3_KEY must be exactly 32/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => parseWechat(env)).toThrow(message)
  })

  it('is simulator mode (null) with no credentials at all', () => {
    expect(parseWechat({})).toBeNull()
  })

  it('accepts a legacy platform certificate only with both its serial and file', () => {
    expect(parseWechat({ ...liveWechat, WECHATPAY_PLATFORM_CERT_SERIAL: '7132D72A03E93CDDF8C03BBD1F37EEDF43ACE7A2', WECHATPAY_PLATFORM_CERT_FILE: '/etc/keys/platform.pem' })?.platformCert).toEqual({
      serial: '7132D72A03E93CDDF8C03BBD1F37EEDF43ACE7A2',
      file: '/etc/keys/platform.pem',
    })
    expect(() => parseWechat({ ...liveWechat, WECHATPAY_PLATFORM_CERT_SERIAL: '7132D72A03E93CDDF8C03BBD1F37EEDF43ACE7A2' })).toThrow(/^WECHATPAY_PLATFORM_CERT_FILE is missing/)
  })

  it('points WeChat base URLs at configured stand-ins', () => {
    expect(parseWechat({ ...liveWechat, WECHATPAY_API_BASE: 'https://pay.stand-in.test/' })?.payBase).toBe('https://pay.stand-in.test')
  })
})
