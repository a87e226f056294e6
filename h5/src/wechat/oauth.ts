// WeChat web OAuth from the H5 side (ACC-4, WX-3). The Official Account menu links straight to
// /api/auth/wechat/start; this covers everything else opened inside WeChat (a shared link, a
// bookmark, a page reloaded after the session ended): one silent snsapi_base round-trip per tab.
// @see https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
import { isWechat } from './env.ts'

/** Set in sessionStorage once OAuth ran (or must not run) in this tab, so a refusal never loops. */
const ATTEMPTED_KEY = 'jx.wechat-oauth-attempted'

/** The outcome our server's callback appends to /login (`wechat=unbound|denied|state|failed`). */
export type WechatOauthOutcome = 'unbound' | 'denied' | 'state' | 'failed'

export function wechatOutcome(value: unknown): WechatOauthOutcome | null {
  return value === 'unbound' || value === 'denied' || value === 'state' || value === 'failed' ? value : null
}

/** The server's OAuth entry, returning to an H5 path (the server checks it is same-site). */
export function wechatStartUrl(returnTo: string): string {
  return `/api/auth/wechat/start?returnTo=${encodeURIComponent(returnTo)}`
}

function readFlag(): boolean {
  try {
    return window.sessionStorage.getItem(ATTEMPTED_KEY) === '1'
  } catch {
    // Storage disabled: behave as attempted rather than risk a redirect loop.
    return true
  }
}

/**
 * Records that this tab has been through OAuth (it came back from the callback) or must not go
 * again (the learner signed out: going again would sign a bound account straight back in).
 */
export function markWechatOauthAttempted(): void {
  try {
    window.sessionStorage.setItem(ATTEMPTED_KEY, '1')
  } catch {
    // Nothing to remember it in; readFlag() already treats that as attempted.
  }
}

export interface OauthDecisionInput {
  inWechat: boolean
  signedIn: boolean
  attempted: boolean
  /** The page is the callback's own result (a `wechat=` outcome or the snapshot page). */
  isOauthResult: boolean
}

/** Pure rule: run OAuth only inside WeChat, signed out, once per tab, never on its own result. */
export function shouldStartWechatOauth(input: OauthDecisionInput): boolean {
  return input.inWechat && !input.signedIn && !input.attempted && !input.isOauthResult
}

/** Whether OAuth might run for this navigation; the caller then restores the session first. */
export function wechatOauthPossible(isOauthResult: boolean): boolean {
  if (isOauthResult) markWechatOauthAttempted()
  return shouldStartWechatOauth({ inWechat: isWechat, signedIn: false, attempted: readFlag(), isOauthResult })
}

/**
 * Sends the browser into WeChat OAuth when the rule says so; `location.replace` keeps the
 * round-trip out of history, so 返回 never lands on the authorisation page. Returns whether it did.
 */
export function startWechatOauthIfNeeded(returnTo: string, signedIn: boolean, isOauthResult: boolean): boolean {
  if (!shouldStartWechatOauth({ inWechat: isWechat, signedIn, attempted: readFlag(), isOauthResult })) return false
  markWechatOauthAttempted()
  window.location.replace(wechatStartUrl(returnTo))
  return true
}
