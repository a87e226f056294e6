import { createDecipheriv } from 'node:crypto'
import { WechatPayDecryptError } from './errors.ts'
import { isStrictBase64 } from './base64.ts'

/**
 * AEAD_AES_256_GCM decryption of notification resources (and platform certificates):
 * key = APIv3 key as UTF-8 bytes, IV = nonce as UTF-8, AAD = associated_data as UTF-8,
 * ciphertext = Base64 whose last 16 bytes are the GCM tag.
 *
 * @see https://pay.weixin.qq.com/docs/merchant/products/notification/introduction.html
 * @see docs/wechat-protocol.md §3.7 (Decryption; WXPayUtility.aesAeadDecrypt in wechatpay-apiv3/wechatpay-skills)
 */

export interface AeadResource {
  ciphertext: string
  nonce: string
  /** May be '' or absent; both mean no AAD. */
  associated_data?: string | null
}

const TAG_LENGTH = 16

/** Returns the UTF-8 plaintext; throws WechatPayDecryptError when the key is wrong or the data was altered. */
export function decryptAeadAes256Gcm(resource: AeadResource, apiV3Key: string): string {
  const key = Buffer.from(apiV3Key, 'utf8')
  if (key.length !== 32) throw new WechatPayDecryptError('bad_key_length')
  if (typeof resource.ciphertext !== 'string' || !isStrictBase64(resource.ciphertext)) throw new WechatPayDecryptError('malformed')
  if (typeof resource.nonce !== 'string' || resource.nonce === '') throw new WechatPayDecryptError('malformed')
  const data = Buffer.from(resource.ciphertext, 'base64')
  if (data.length < TAG_LENGTH) throw new WechatPayDecryptError('malformed')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'), { authTagLength: TAG_LENGTH })
    decipher.setAuthTag(data.subarray(data.length - TAG_LENGTH))
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'))
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_LENGTH)), decipher.final()]).toString('utf8')
  } catch {
    throw new WechatPayDecryptError('auth_failed')
  }
}
