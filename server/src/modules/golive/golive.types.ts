import type { TencentSmsConfig } from '../auth/auth.config.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'

/**
 * The go-live check (OPS-6, docs/go-live.md): one verdict per item an operator must get right before the first
 * learner, each in Chinese and English with the fix. `fail` makes the check exit non-zero; `warn`
 * is something only a real payment or message can prove, or worth a look; `skip` does not apply
 * (simulator mode) or could not run because an earlier item failed.
 */

export type Verdict = 'pass' | 'warn' | 'fail' | 'skip'

export interface Bilingual {
  zh: string
  en: string
}

export type CheckId =
  | 'access_token'
  | 'jsapi_ticket'
  | 'verification_file'
  | 'menu'
  | 'merchant_key'
  | 'wechatpay_public_key'
  | 'api_v3_key'
  | 'notify_url'
  | 'sms'

export interface CheckItem {
  id: CheckId
  verdict: Verdict
  title: Bilingual
  /** What was seen (never a secret, token or key). */
  detail: Bilingual
  /** What to change, and where; null when nothing needs doing. */
  fix: Bilingual | null
}

export interface GoLiveReport {
  ok: boolean
  mode: 'simulator' | 'live'
  publicBaseUrl: string
  checkedAt: string
  items: CheckItem[]
}

export interface GoLiveInput {
  mode: 'simulator' | 'live'
  /** Our client's settings: the configured real WeChat, or the running server's simulator. */
  wechat: WechatSettings
  /** Where learners (and WeChat) reach us; the verification file and notify URL are checked there. */
  publicBaseUrl: string
  siteFilesDir: string | null
  sms: TencentSmsConfig | null
  fetch?: typeof fetch
  now?: () => number
  /** Per-request timeout for every outgoing call (default 8 s). */
  timeoutMs?: number
}

export function bi(zh: string, en: string): Bilingual {
  return { zh, en }
}

export function item(id: CheckId, title: Bilingual, verdict: Verdict, detail: Bilingual, fix: Bilingual | null = null): CheckItem {
  return { id, verdict, title, detail, fix }
}
