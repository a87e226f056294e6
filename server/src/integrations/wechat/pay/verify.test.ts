import { describe, expect, it } from 'vitest'
import { verifyWechatpaySignature } from './verify.ts'
import { generateRsaKeys, signAsWechatpay } from '../../../../test/wechat-stand-in-helpers.ts'

const wechatpay = generateRsaKeys()
const other = generateRsaKeys()
const keyId = 'PUB_KEY_ID_0000000000000024101100397200000006'
const keys = { [keyId]: wechatpay.publicKeyPem, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1': other.publicKeyPem }
const now = 1_700_000_000_000
const ts = String(now / 1000)
const body = '{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}'

function message(overrides: Partial<Parameters<typeof verifyWechatpaySignature>[0]> = {}) {
  return {
    timestamp: ts,
    nonce: 'n0nce',
    serial: keyId,
    body,
    signature: signAsWechatpay(wechatpay.privateKeyPem, ts, 'n0nce', body),
    ...overrides,
  }
}

describe('verifyWechatpaySignature', () => {
  it('accepts a correct signature', () => {
    expect(verifyWechatpaySignature(message(), keys, now)).toEqual({ ok: true })
  })

  it('accepts an empty 204 body signed as ts\\nnonce\\n\\n', () => {
    const signature = signAsWechatpay(wechatpay.privateKeyPem, ts, 'n', '')
    expect(verifyWechatpaySignature(message({ body: '', nonce: 'n', signature }), keys, now)).toEqual({ ok: true })
  })

  it('rejects the WECHATPAY/SIGNTEST/ probe without throwing', () => {
    const probe = message({ signature: 'WECHATPAY/SIGNTEST/N5rVfRb8gOnIbAsOI0vyqIFbLTeb5l6L' })
    expect(verifyWechatpaySignature(probe, keys, now)).toEqual({ ok: false, reason: 'probe' })
  })

  it('rejects invalid Base64 without throwing', () => {
    for (const signature of ['not base64!', 'abc', '====', 'ab\ncd==']) {
      expect(verifyWechatpaySignature(message({ signature }), keys, now)).toEqual({ ok: false, reason: 'malformed_signature' })
    }
  })

  it('rejects an unknown serial, including Object.prototype names', () => {
    for (const serial of ['PUB_KEY_ID_999', 'constructor', '__proto__', 'toString']) {
      expect(verifyWechatpaySignature(message({ serial }), keys, now)).toEqual({ ok: false, reason: 'unknown_serial' })
    }
  })

  it('rejects a signature by the key of a different serial', () => {
    const serial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
    expect(verifyWechatpaySignature(message({ serial }), keys, now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('rejects a timestamp 5 minutes or more away, either direction, and accepts just inside', () => {
    for (const skew of [300_000, -300_000, 3_600_000]) {
      expect(verifyWechatpaySignature(message(), keys, now + skew)).toEqual({ ok: false, reason: 'stale_timestamp' })
    }
    expect(verifyWechatpaySignature(message(), keys, now + 299_000)).toEqual({ ok: true })
    expect(verifyWechatpaySignature(message({ timestamp: '1700000000000' }), keys, now).ok).toBe(false)
  })

  it('rejects a tampered body, nonce or timestamp', () => {
    expect(verifyWechatpaySignature(message({ body: body.replace('EV-1', 'EV-2') }), keys, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    expect(verifyWechatpaySignature(message({ body: `${body} ` }), keys, now).ok).toBe(false)
    expect(verifyWechatpaySignature(message({ nonce: 'other' }), keys, now).ok).toBe(false)
    expect(verifyWechatpaySignature(message({ timestamp: String(Number(ts) + 1) }), keys, now).ok).toBe(false)
  })

  it('rejects missing headers', () => {
    expect(verifyWechatpaySignature(message({ signature: undefined }), keys, now)).toEqual({ ok: false, reason: 'missing_headers' })
    expect(verifyWechatpaySignature(message({ serial: '' }), keys, now)).toEqual({ ok: false, reason: 'missing_headers' })
  })

  it('reports a configured key that cannot be parsed instead of throwing', () => {
    expect(verifyWechatpaySignature(message(), { [keyId]: 'not a pem' }, now)).toEqual({ ok: false, reason: 'bad_key' })
  })
})
