import type { WechatSettings } from '../settings.ts'
import { decryptAeadAes256Gcm } from './aead.ts'
import { WechatPayDecryptError, WechatPayNotificationError } from './errors.ts'
import type { NotificationFailureReason } from './errors.ts'
import type { VerifyFailureReason } from './verify.ts'
import { verifyWechatpaySignature } from './verify.ts'

/**
 * Payment, refund and invoice notifications (POST to our notify_url). Order matters: verify the
 * signature on the RAW body first (a re-serialized body never verifies), then parse, then decrypt.
 * AES-GCM alone is not enough: it only proves knowledge of the APIv3 key.
 *
 * @see https://pay.weixin.qq.com/docs/merchant/products/notification/introduction.html
 * @see https://github.com/wechatpay-apiv3/wechatpay-skills (references/3-商户与服务商通用/接入指南/回调通知处理.md)
 * @see docs/wechat-protocol.md §3.3, §3.7, §5.1–5.3
 */

/** Request headers as Node/Fastify give them (lowercase names); lookups are case-insensitive anyway. */
export type NotificationHeaders = Readonly<Record<string, string | string[] | undefined>>

export interface WechatPayNotification {
  /** Notification id: a dedupe key, since WeChat may deliver the same event several times at once. */
  id: string
  /** e.g. TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED, FAPIAO.ISSUED */
  eventType: string
  createTime: string | undefined
  summary: string | undefined
  /** `transaction`, `refund`, … */
  originalType: string | undefined
  /** The decrypted resource JSON; the caller validates it for its event type. */
  resource: unknown
}

export function parseWechatPayNotification(
  rawBody: string,
  headers: NotificationHeaders,
  settings: Pick<WechatSettings, 'wechatpayPublicKeys' | 'apiV3Key'>,
  nowMs: number,
): WechatPayNotification {
  const verdict = verifyWechatpaySignature(
    {
      timestamp: header(headers, 'wechatpay-timestamp'),
      nonce: header(headers, 'wechatpay-nonce'),
      signature: header(headers, 'wechatpay-signature'),
      serial: header(headers, 'wechatpay-serial'),
      body: rawBody,
    },
    settings.wechatpayPublicKeys,
    nowMs,
  )
  if (!verdict.ok) throw new WechatPayNotificationError(notificationReason(verdict.reason), verdict.reason)

  let envelope: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(rawBody)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
    envelope = parsed as Record<string, unknown>
  } catch {
    throw new WechatPayNotificationError('malformed', 'body is not a JSON object')
  }
  const { id, event_type: eventType, resource_type: resourceType, resource } = envelope
  if (typeof id !== 'string' || typeof eventType !== 'string' || typeof resource !== 'object' || resource === null) {
    throw new WechatPayNotificationError('malformed', 'id, event_type or resource missing')
  }
  const enc = resource as Record<string, unknown>
  if (resourceType !== 'encrypt-resource' || enc.algorithm !== 'AEAD_AES_256_GCM') {
    throw new WechatPayNotificationError('unsupported', 'resource is not AEAD_AES_256_GCM encrypt-resource')
  }
  if (typeof enc.ciphertext !== 'string' || typeof enc.nonce !== 'string') {
    throw new WechatPayNotificationError('malformed', 'resource ciphertext or nonce missing')
  }
  if (enc.associated_data !== undefined && enc.associated_data !== null && typeof enc.associated_data !== 'string') {
    throw new WechatPayNotificationError('malformed', 'resource associated_data is not a string')
  }

  let plaintext: string
  try {
    plaintext = decryptAeadAes256Gcm(
      { ciphertext: enc.ciphertext, nonce: enc.nonce, associated_data: enc.associated_data ?? null },
      settings.apiV3Key,
    )
  } catch (error) {
    if (error instanceof WechatPayDecryptError) throw new WechatPayNotificationError('decrypt_failed', error.reason, { cause: error })
    throw error
  }
  let decrypted: unknown
  try {
    decrypted = JSON.parse(plaintext)
  } catch {
    throw new WechatPayNotificationError('malformed', 'decrypted resource is not JSON')
  }
  return {
    id,
    eventType,
    createTime: typeof envelope.create_time === 'string' ? envelope.create_time : undefined,
    summary: typeof envelope.summary === 'string' ? envelope.summary : undefined,
    originalType: typeof enc.original_type === 'string' ? enc.original_type : undefined,
    resource: decrypted,
  }
}

function notificationReason(reason: VerifyFailureReason): NotificationFailureReason {
  switch (reason) {
    case 'missing_headers':
      return 'missing_headers'
    case 'probe':
      return 'probe'
    case 'unknown_serial':
      return 'unknown_serial'
    case 'malformed_timestamp':
    case 'stale_timestamp':
      return 'stale'
    case 'malformed_signature':
    case 'bad_key':
    case 'bad_signature':
      return 'bad_signature'
  }
}

/** A repeated header is not something WeChat sends; refusing it avoids guessing which copy was signed. */
function header(headers: NotificationHeaders, name: string): string | undefined {
  let value = headers[name]
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name)
    value = key === undefined ? undefined : headers[key]
  }
  return typeof value === 'string' ? value : undefined
}
