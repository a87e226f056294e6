/**
 * Everything our WeChat client needs, resolved once at start-up (see wechat-runtime.ts). The same
 * shape serves real WeChat and the built-in simulator: only the base URLs and keys differ.
 *
 * Functions read these fields at call time, never copy them, because the simulator runtime sets
 * `apiBase`/`payBase` once the server knows the port it listens on.
 *
 * @see docs/wechat-protocol.md §0 (hosts), §3.4 (identifiers and secrets)
 */
export interface WechatSettings {
  /** Official Account AppID (`wx…`). */
  appId: string
  appSecret: string
  /** e.g. https://open.weixin.qq.com — no trailing slash. */
  oauthBase: string
  /** e.g. https://api.weixin.qq.com — no trailing slash. */
  apiBase: string
  /** e.g. https://api.mch.weixin.qq.com — no trailing slash. */
  payBase: string
  mchId: string
  /** Merchant API certificate serial, uppercase hex (`serial_no` in Authorization). */
  mchSerial: string
  /** Merchant API private key (apiclient_key.pem, PKCS#8 PEM). */
  mchPrivateKeyPem: string
  /** The 32-character APIv3 key, used as raw UTF-8 bytes for AES-256-GCM. */
  apiV3Key: string
  /** `Wechatpay-Serial` (PUB_KEY_ID_… or platform certificate hex serial) → PEM public key or certificate. */
  wechatpayPublicKeys: Record<string, string>
  /** Sent as request header `Wechatpay-Serial` in public-key mode; null in platform-certificate mode. */
  wechatpayPublicKeyId: string | null
}

/** Settings for calls to the Official Account server API (api.weixin.qq.com). */
export type WechatApiSettings = Pick<WechatSettings, 'appId' | 'appSecret' | 'apiBase'>

/** Options shared by every outgoing call; tests inject `fetch` and a clock. */
export interface WechatCallOptions {
  fetch?: typeof fetch
  /** Per-request timeout; defaults differ per API. */
  timeoutMs?: number
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number
  /** Pause before the single retry after errcode -1 (system busy). */
  busyRetryDelayMs?: number
}
