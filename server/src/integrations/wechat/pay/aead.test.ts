import { createCipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decryptAeadAes256Gcm } from './aead.ts'
import { WechatPayDecryptError } from './errors.ts'

const apiV3Key = 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'

/** Encrypts the way WeChat Pay does (AES-256-GCM, key and nonce as UTF-8, tag appended), written for this test. */
function encryptLikeWechatpay(plaintext: string, key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'))
  cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return Buffer.concat([encrypted, cipher.getAuthTag()]).toString('base64')
}

const plaintext = JSON.stringify({ out_trade_no: 'T1', trade_state: 'SUCCESS', trade_state_desc: '支付成功', amount: { total: 100 } })

describe('decryptAeadAes256Gcm', () => {
  it('round-trips a WeChat-style resource with associated data', () => {
    const ciphertext = encryptLikeWechatpay(plaintext, apiV3Key, 'fdasflkja484', 'transaction')
    expect(decryptAeadAes256Gcm({ ciphertext, nonce: 'fdasflkja484', associated_data: 'transaction' }, apiV3Key)).toBe(plaintext)
  })

  it('treats empty and absent associated data alike', () => {
    const ciphertext = encryptLikeWechatpay(plaintext, apiV3Key, 'n12345678901', '')
    expect(decryptAeadAes256Gcm({ ciphertext, nonce: 'n12345678901' }, apiV3Key)).toBe(plaintext)
    expect(decryptAeadAes256Gcm({ ciphertext, nonce: 'n12345678901', associated_data: '' }, apiV3Key)).toBe(plaintext)
  })

  it('rejects a wrong key, wrong associated data or a flipped byte with auth_failed', () => {
    const ciphertext = encryptLikeWechatpay(plaintext, apiV3Key, 'n12345678901', 'transaction')
    const wrongKey = 'Z1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6'
    const resource = { ciphertext, nonce: 'n12345678901', associated_data: 'transaction' }
    const attempts = [
      () => decryptAeadAes256Gcm(resource, wrongKey),
      () => decryptAeadAes256Gcm({ ...resource, associated_data: 'refund' }, apiV3Key),
      () => {
        const bytes = Buffer.from(ciphertext, 'base64')
        bytes[0] = (bytes[0] ?? 0) ^ 1
        return decryptAeadAes256Gcm({ ...resource, ciphertext: bytes.toString('base64') }, apiV3Key)
      },
    ]
    for (const attempt of attempts) {
      expect(attempt).toThrow(WechatPayDecryptError)
      expect(attempt).toThrow(/auth_failed/)
    }
  })

  it('rejects a key that is not 32 bytes and malformed ciphertext', () => {
    expect(() => decryptAeadAes256Gcm({ ciphertext: 'AAAA', nonce: 'n' }, 'short')).toThrow(/bad_key_length/)
    expect(() => decryptAeadAes256Gcm({ ciphertext: 'not base64!', nonce: 'n' }, apiV3Key)).toThrow(/malformed/)
    expect(() => decryptAeadAes256Gcm({ ciphertext: 'AAAA', nonce: 'n' }, apiV3Key)).toThrow(/malformed/)
  })
})
