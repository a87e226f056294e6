/**
 * Our WeChat client (Official Account OAuth, access token / jsapi_ticket cache, JS-SDK signature,
 * WeChat Pay v3). It must never import from src/simulator/: the two sides are written separately so
 * that a shared bug cannot make both agree (architecture.md, "WeChat").
 */
export type { WechatSettings, WechatApiSettings, WechatCallOptions } from './settings.ts'
export {
  WechatApiError,
  WechatNetworkError,
  WechatBadResponseError,
  WechatInvalidInputError,
  JsSdkUrlNotAllowedError,
  isAccessTokenRejected,
} from './errors.ts'
export { buildAuthorizeUrl, exchangeCode } from './oauth.ts'
export type { OAuthScope, AuthorizeUrlParams, OAuthIdentity } from './oauth.ts'
export { getAccessToken, refreshRejectedAccessToken, withAccessToken } from './access-token.ts'
export { getJsapiTicket } from './jsapi-ticket.ts'
export { signJsSdkConfig, buildJsSdkConfig } from './jssdk.ts'
export type { JsSdkSignInput, JsSdkConfig } from './jssdk.ts'
export * from './pay/index.ts'
