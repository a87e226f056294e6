import type { WechatApiSettings, WechatCallOptions, WechatSettings } from './settings.ts'
import { WechatBadResponseError, WechatInvalidInputError } from './errors.ts'
import { buildQueryUrl, callWechatApi, requireString } from './api-request.ts'

/**
 * Official Account web OAuth2 (网页授权): the authorize URL and the server-side code exchange.
 *
 * @see https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 * @see https://developers.weixin.qq.com/doc/service/api/webdev/access/api_snsaccesstoken
 */

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo'

export interface AuthorizeUrlParams {
  /** Absolute callback URL; its host must be the configured 网页授权域名. */
  redirectUri: string
  scope: OAuthScope
  /** CSRF token or short lookup key: WeChat allows only [A-Za-z0-9], at most 128 bytes. */
  state: string
}

export interface OAuthIdentity {
  openid: string
  /** Comma-separated scopes the user granted. */
  scope: string
  /** `is_snapshotuser=1`: a virtual user from the snapshot page; never bind or create an account from it. */
  isSnapshotUser: boolean
  /** Only when the account is bound to an Open Platform account (and usually only for snsapi_userinfo). */
  unionid?: string
}

const STATE_PATTERN = /^[A-Za-z0-9]{1,128}$/
const ENDPOINT = 'sns/oauth2/access_token'

/**
 * The URL the WeChat browser must open. WeChat checks it with a strict pattern, so the parameters
 * go in its fixed order and `#wechat_redirect` ends it; redirect_uri is encoded as one value.
 */
export function buildAuthorizeUrl(settings: Pick<WechatSettings, 'appId' | 'oauthBase'>, params: AuthorizeUrlParams): string {
  if (!STATE_PATTERN.test(params.state)) {
    throw new WechatInvalidInputError('OAuth state must be 1–128 characters of [A-Za-z0-9]')
  }
  if (params.scope !== 'snsapi_base' && params.scope !== 'snsapi_userinfo') {
    throw new WechatInvalidInputError('OAuth scope must be snsapi_base or snsapi_userinfo')
  }
  let redirect: URL
  try {
    redirect = new URL(params.redirectUri)
  } catch {
    throw new WechatInvalidInputError('OAuth redirectUri must be an absolute URL')
  }
  if (redirect.protocol !== 'https:' && redirect.protocol !== 'http:') {
    throw new WechatInvalidInputError('OAuth redirectUri must be http(s)')
  }
  const url = buildQueryUrl(settings.oauthBase, '/connect/oauth2/authorize', [
    ['appid', settings.appId],
    ['redirect_uri', params.redirectUri],
    ['response_type', 'code'],
    ['scope', params.scope],
    ['state', params.state],
  ])
  return `${url}#wechat_redirect`
}

/**
 * Exchanges the single-use callback code (valid 5 minutes) for the user's openid. Call it once per
 * callback: a second exchange of the same code gives errcode 40163.
 */
export async function exchangeCode(settings: WechatApiSettings, code: string, options?: WechatCallOptions): Promise<OAuthIdentity> {
  // Codes are opaque tokens; anything empty or oversized cannot be one, so do not spend a call on it.
  if (code === '' || code.length > 512) throw new WechatInvalidInputError('OAuth code is empty or too long')
  const body = await callWechatApi(
    {
      endpoint: ENDPOINT,
      method: 'GET',
      url: buildQueryUrl(settings.apiBase, '/sns/oauth2/access_token', [
        ['appid', settings.appId],
        ['secret', settings.appSecret],
        ['code', code],
        ['grant_type', 'authorization_code'],
      ]),
    },
    options,
  )
  const identity: OAuthIdentity = {
    openid: requireString(body, 'openid', ENDPOINT),
    scope: typeof body.scope === 'string' ? body.scope : '',
    // Present (as 1) only for snapshot users; accept "1" too in case a proxy stringifies numbers.
    isSnapshotUser: body.is_snapshotuser === 1 || body.is_snapshotuser === '1',
  }
  if (body.unionid !== undefined) {
    if (typeof body.unionid !== 'string') throw new WechatBadResponseError(ENDPOINT, 'unionid is not a string')
    if (body.unionid !== '') identity.unionid = body.unionid
  }
  return identity
}
