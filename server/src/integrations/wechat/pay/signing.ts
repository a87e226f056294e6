import { constants, createPrivateKey, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { WechatSettings } from '../settings.ts'
import { randomAlphanumeric } from '../random.ts'

/**
 * Our side of WeChat Pay v3 signing: the request `Authorization` header and the JSAPI `paySign`.
 * Both are SHA256withRSA (RSASSA-PKCS1-v1_5, not PSS) with the merchant API private key, Base64.
 *
 * @see https://pay.weixin.qq.com/docs/merchant/development/interface-rules/basic-rules.html
 * @see https://github.com/wechatpay-apiv3/wechatpay-skills (references/3-商户与服务商通用/接入指南/签名与验签规则.md; JSAPI支付/JsapiInvoke.md)
 * @see docs/wechat-protocol.md §3.2, §3.6
 */

export const AUTHORIZATION_SCHEMA = 'WECHATPAY2-SHA256-RSA2048'

/**
 * The 5-line string WeChat rebuilds on its side; every line ends with `\n`, the last too, so a
 * bodyless request ends in `NONCE\n\n`. `canonicalUrl` is path plus `?query` exactly as sent.
 */
export function buildRequestSignString(
  method: string,
  canonicalUrl: string,
  timestamp: number | string,
  nonce: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${canonicalUrl}\n${timestamp}\n${nonce}\n${body}\n`
}

/** SHA256withRSA (PKCS#1 v1.5) over the UTF-8 message, Base64. */
export function signSha256WithRsa(message: string, privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey
  return sign('sha256', Buffer.from(message, 'utf8'), { key, padding: constants.RSA_PKCS1_PADDING }).toString('base64')
}

/** 32 alphanumeric characters, as the official SDKs use. */
export function createNonce(): string {
  return randomAlphanumeric(32)
}

export interface AuthorizationInput {
  mchId: string
  /** Merchant API certificate serial, uppercase hex. */
  serialNo: string
  privateKey: string | KeyObject
  method: string
  canonicalUrl: string
  /** The exact string that will be sent; '' for GET. */
  body: string
  /** Unix seconds. */
  timestamp: number
  nonce: string
}

/** `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"` (no spaces after commas). */
export function buildAuthorization(input: AuthorizationInput): string {
  const message = buildRequestSignString(input.method, input.canonicalUrl, input.timestamp, input.nonce, input.body)
  const signature = signSha256WithRsa(message, input.privateKey)
  return (
    `${AUTHORIZATION_SCHEMA} mchid="${input.mchId}",nonce_str="${input.nonce}",timestamp="${input.timestamp}",` +
    `serial_no="${input.serialNo}",signature="${signature}"`
  )
}

export interface PaySignInput {
  appId: string
  timeStamp: string
  nonceStr: string
  /** `prepay_id=…`, prefix included. */
  package: string
}

/** paySign over `appId\ntimeStamp\nnonceStr\npackage\n` (4 lines, each ending in `\n`). */
export function buildPaySign(input: PaySignInput, privateKey: string | KeyObject): string {
  return signSha256WithRsa(`${input.appId}\n${input.timeStamp}\n${input.nonceStr}\n${input.package}\n`, privateKey)
}

/** Arguments for `WeixinJSBridge.invoke('getBrandWCPayRequest', …)`; `wx.chooseWXPay` wants `timestamp` in lowercase, same value. */
export interface JsapiPayParams {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

/** Signs the cashier parameters for a prepay_id. `appId` must be the AppID the order was placed with. */
export function buildJsapiPayParams(
  settings: Pick<WechatSettings, 'appId' | 'mchPrivateKeyPem'>,
  prepayId: string,
  options: { now?: () => number } = {},
): JsapiPayParams {
  const timeStamp = String(Math.floor((options.now ?? Date.now)() / 1000))
  const nonceStr = createNonce()
  const pkg = `prepay_id=${prepayId}`
  const paySign = buildPaySign({ appId: settings.appId, timeStamp, nonceStr, package: pkg }, settings.mchPrivateKeyPem)
  return { appId: settings.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
}
