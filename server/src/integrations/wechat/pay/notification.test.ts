import { createCipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseWechatPayNotification } from './notification.ts'
import { WechatPayNotificationError } from './errors.ts'
import { generateRsaKeys, signAsWechatpay } from '../../../../test/wechat-stand-in-helpers.ts'

const wechatpay = generateRsaKeys()
const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006'
const apiV3Key = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'
const settings = { wechatpayPublicKeys: { [PUB_KEY_ID]: wechatpay.publicKeyPem }, apiV3Key }
const now = 1_700_000_000_000
const ts = String(now / 1000)

const transaction = { mchid: '1900000001', appid: 'wxapp', out_trade_no: 'T1', trade_state: 'SUCCESS', amount: { total: 100 } }

function encrypt(plaintext: string, key = apiV3Key, nonce = 'fdasflkja484', aad = 'transaction'): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64')
}

/** A notification as WeChat sends it: pretty-printed JSON on purpose, so re-serializing it would break the signature. */
function notification(options: { key?: string; algorithm?: string; signature?: string; timestamp?: string } = {}) {
  const rawBody = JSON.stringify(
    {
      id: 'EV-2018022511223320873',
      create_time: '2025-01-01T10:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: options.algorithm ?? 'AEAD_AES_256_GCM',
        ciphertext: encrypt(JSON.stringify(transaction), options.key),
        associated_data: 'transaction',
        nonce: 'fdasflkja484',
      },
    },
    null,
    2,
  )
  const timestamp = options.timestamp ?? ts
  const headers = {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': 'nonce-1',
    'wechatpay-serial': PUB_KEY_ID,
    'wechatpay-signature': options.signature ?? signAsWechatpay(wechatpay.privateKeyPem, timestamp, 'nonce-1', rawBody),
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
  }
  return { rawBody, headers }
}

function reasonOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    if (error instanceof WechatPayNotificationError) return error.reason
    throw error
  }
  return undefined
}

describe('parseWechatPayNotification', () => {
  it('verifies the raw body, decrypts the resource and returns the event', () => {
    const { rawBody, headers } = notification()
    expect(parseWechatPayNotification(rawBody, headers, settings, now)).toEqual({
      id: 'EV-2018022511223320873',
      eventType: 'TRANSACTION.SUCCESS',
      createTime: '2025-01-01T10:00:00+08:00',
      summary: '支付成功',
      originalType: 'transaction',
      resource: transaction,
    })
  })

  it('fails on a re-serialized body (what a JSON body parser would hand over)', () => {
    const { rawBody, headers } = notification()
    expect(reasonOf(() => parseWechatPayNotification(JSON.stringify(JSON.parse(rawBody)), headers, settings, now))).toBe(
      'bad_signature',
    )
  })

  it('finds headers whatever their case', () => {
    const { rawBody, headers } = notification()
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v]))
    expect(parseWechatPayNotification(rawBody, upper, settings, now).id).toBe('EV-2018022511223320873')
  })

  it('tells a signature probe apart from a bad signature, a stale timestamp and an unknown serial', () => {
    const probe = notification({ signature: 'WECHATPAY/SIGNTEST/N5rVfRb8gOnIbAsOI0vyqIFbLTeb5l6L' })
    expect(reasonOf(() => parseWechatPayNotification(probe.rawBody, probe.headers, settings, now))).toBe('probe')

    const forged = notification({ signature: signAsWechatpay(generateRsaKeys().privateKeyPem, ts, 'nonce-1', 'x') })
    expect(reasonOf(() => parseWechatPayNotification(forged.rawBody, forged.headers, settings, now))).toBe('bad_signature')

    const replayed = notification({ timestamp: String(now / 1000 - 600) })
    expect(reasonOf(() => parseWechatPayNotification(replayed.rawBody, replayed.headers, settings, now))).toBe('stale')

    const good = notification()
    const otherSerial = { ...good.headers, 'wechatpay-serial': 'PUB_KEY_ID_1' }
    expect(reasonOf(() => parseWechatPayNotification(good.rawBody, otherSerial, settings, now))).toBe('unknown_serial')

    const { 'wechatpay-signature': _dropped, ...unsigned } = good.headers
    expect(reasonOf(() => parseWechatPayNotification(good.rawBody, unsigned, settings, now))).toBe('missing_headers')
  })

  it('reports decryption failure (e.g. a rotated APIv3 key) after a valid signature', () => {
    const { rawBody, headers } = notification({ key: 'Z1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6' })
    expect(reasonOf(() => parseWechatPayNotification(rawBody, headers, settings, now))).toBe('decrypt_failed')
  })

  it('refuses an algorithm other than AEAD_AES_256_GCM', () => {
    const { rawBody, headers } = notification({ algorithm: 'AEAD_SM4_GCM' })
    expect(reasonOf(() => parseWechatPayNotification(rawBody, headers, settings, now))).toBe('unsupported')
  })

  it('refuses a signed body that is not a notification envelope', () => {
    const rawBody = '[1,2,3]'
    const headers = {
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': 'n',
      'wechatpay-serial': PUB_KEY_ID,
      'wechatpay-signature': signAsWechatpay(wechatpay.privateKeyPem, ts, 'n', rawBody),
    }
    expect(reasonOf(() => parseWechatPayNotification(rawBody, headers, settings, now))).toBe('malformed')
  })
})
