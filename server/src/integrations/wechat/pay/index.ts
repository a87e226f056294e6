/** WeChat Pay API v3: signing, verification, decryption, the HTTP client and notifications. */
export {
  buildRequestSignString,
  buildAuthorization,
  buildPaySign,
  buildJsapiPayParams,
  createNonce,
  signSha256WithRsa,
  AUTHORIZATION_SCHEMA,
} from './signing.ts'
export type { AuthorizationInput, PaySignInput, JsapiPayParams } from './signing.ts'
export { verifyWechatpaySignature, buildVerifyString, MAX_CLOCK_SKEW_MS, SIGNATURE_PROBE_PREFIX } from './verify.ts'
export type { WechatpaySignedMessage, VerifyFailureReason, VerifyResult } from './verify.ts'
export { decryptAeadAes256Gcm } from './aead.ts'
export type { AeadResource } from './aead.ts'
export { createWechatPayClient } from './client.ts'
export type { WechatPayClient, WechatPayClientOptions } from './client.ts'
export { parseWechatPayNotification } from './notification.ts'
export type { NotificationHeaders, WechatPayNotification } from './notification.ts'
export {
  WechatPayError,
  WechatPayNetworkError,
  WechatPayResponseVerificationError,
  WechatPayBadResponseError,
  WechatPayDecryptError,
  WechatPayNotificationError,
} from './errors.ts'
export type { NotificationFailureReason } from './errors.ts'
export type * from './types.ts'
