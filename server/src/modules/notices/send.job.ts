import type { AppDb } from '../../db/client.ts'
import { noticesDropped, noticesSent } from '../../core/metrics.registry.ts'
import { getAccessToken, refreshRejectedAccessToken } from '../../integrations/wechat/access-token.ts'
import { sendSubscribeMessage, sendTemplateMessage, type SendAnswer } from '../../integrations/wechat/messages.ts'
import type { WechatApiSettings, WechatCallOptions } from '../../integrations/wechat/settings.ts'
import type { NoticeKind, NoticesConfig } from './notices.config.ts'
import { claimDueNotices, markDropped, markRetry, markSent, returnSubscription, takeSubscription, type ClaimedNotice } from './notices.repository.ts'
import { backoffMs, verdictFor } from './notices.rules.ts'

/**
 * The sender: claims due notices from the outbox (rows move to `sending` under
 * `FOR UPDATE SKIP LOCKED`, so two instances never hold the same row), sends each through 模板消息 or
 * 订阅通知 with the deployment's shared access token, and records the outcome:
 * - accepted → `sent` with WeChat's msgid;
 * - busy (-1, 43116/43117), network trouble → back to the queue with exponential backoff;
 * - 45011 (minute quota) → every remaining row waits a minute; 45009 (daily quota) → until tomorrow;
 * - 40001/42001/40014 (token rejected) → the token is replaced once and the send repeated;
 * - permanent codes (43004 not following, 43101 no subscription, 47003 bad field, 40037 bad template …)
 *   → `dropped` with the code and reason.
 * A sender that dies mid-send leaves its rows `sending`; when their claim runs out another sender
 * takes them and resends with the same client_msg_id, which WeChat de-duplicates (§8.1).
 *
 * @see docs/wechat-protocol.md §8.1, §8.2.2, §8.5
 */

export interface SendDeps {
  db: AppDb
  wechat: WechatApiSettings
  config: NoticesConfig
  now: () => Date
  /** The H5's origin: a notice opens `<publicBaseUrl>/api/auth/wechat/start?returnTo=<path>`. */
  publicBaseUrl: string
  call?: WechatCallOptions
  /** Waits between sends (rate limit); tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>
}

export interface SendPassResult {
  sent: number
  dropped: number
  retried: number
  /** Stopped early by a quota. */
  paused: 'minute' | 'day' | null
}

const CLAIM_MS = 60_000

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The H5 page through the OAuth entry (as the menu links do), so the learner arrives signed in. */
export function noticeUrl(publicBaseUrl: string, path: string): string {
  return `${publicBaseUrl}/api/auth/wechat/start?returnTo=${encodeURIComponent(path)}`
}

/**
 * One pass: claims up to `limit` notices and sends them with a few requests in flight, starting
 * at most `sendPerSecond` a second. A quota answer (45011 / 45009) puts the rest of the pass back.
 */
export async function sendPass(deps: SendDeps, limit = deps.config.batchSize): Promise<SendPassResult> {
  const result: SendPassResult = { sent: 0, dropped: 0, retried: 0, paused: null }
  const claimed = await claimDueNotices(deps.db, deps.now(), CLAIM_MS, limit)
  const sleep = deps.sleep ?? realSleep
  const gapMs = 1000 / deps.config.sendPerSecond
  let token: string | null = null
  let nextStart = performance.now()
  const queue = [...claimed]
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (result.paused) {
        const wait = result.paused === 'minute' ? 60_000 : untilTomorrowMs(deps.now())
        await markRetry(deps.db, row.id, new Date(deps.now().getTime() + wait), null, result.paused === 'minute' ? 'minute_quota' : 'daily_quota')
        result.retried++
        continue
      }
      // Rate limit: each send starts at its own slot, gapMs after the previous one.
      const slot = Math.max(nextStart, performance.now())
      nextStart = slot + gapMs
      const wait = slot - performance.now()
      if (wait > 1) await sleep(wait)
      const outcome = await sendOne(deps, row, () => token, (t) => void (token = t))
      if (outcome === 'sent') result.sent++
      else if (outcome === 'dropped') result.dropped++
      else {
        result.retried++
        if (outcome === 'pause_minute') result.paused ??= 'minute'
        if (outcome === 'pause_day') result.paused = 'day'
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(deps.config.concurrency, Math.max(1, claimed.length)) }, worker))
  return result
}

/** Milliseconds to the next midnight in China time, when WeChat's daily quotas reset. */
function untilTomorrowMs(now: Date): number {
  const day = 86_400_000
  const shanghai = now.getTime() + 8 * 3600_000
  return day - (shanghai % day) + 60_000
}

type Outcome = 'sent' | 'dropped' | 'retry' | 'pause_minute' | 'pause_day'

async function sendOne(deps: SendDeps, row: ClaimedNotice, cachedToken: () => string | null, keepToken: (t: string) => void): Promise<Outcome> {
  const { db } = deps
  const template = deps.config.templates[row.kind as NoticeKind]
  if (!template) return drop(deps, row, null, 'unknown_kind')
  if (!row.openid) return drop(deps, row, null, 'no_openid')
  if (template.channel === 'subscribe' && !(await takeSubscription(db, row.openid, template.templateId, deps.now()))) {
    return drop(deps, row, 43101, 'no_subscription')
  }
  const data = Object.fromEntries(Object.entries(row.data).map(([k, value]) => [k, { value }]))
  const link = noticeUrl(deps.publicBaseUrl, row.path)
  const send = (token: string): Promise<SendAnswer> =>
    template.channel === 'template'
      ? sendTemplateMessage(deps.wechat, token, { touser: row.openid as string, template_id: template.templateId, url: link, client_msg_id: `notice-${row.id}`, data }, deps.call)
      : sendSubscribeMessage(deps.wechat, token, { touser: row.openid as string, template_id: template.templateId, page: link, data }, deps.call)

  let answer: SendAnswer
  try {
    let token = cachedToken() ?? (await getAccessToken(db, deps.wechat, deps.call))
    keepToken(token)
    answer = await send(token)
    if (verdictFor(answer.errcode).kind === 'token' && answer.errcode !== 0) {
      token = await refreshRejectedAccessToken(db, deps.wechat, token, deps.call)
      keepToken(token)
      answer = await send(token)
    }
  } catch (error) {
    // Network trouble or an unreadable answer: WeChat may or may not have it; the same client_msg_id on retry.
    if (template.channel === 'subscribe') await returnSubscription(db, row.openid, template.templateId, deps.now())
    return retryLater(deps, row, null, error instanceof Error ? error.name : 'error')
  }
  if (answer.errcode === 0) {
    await markSent(db, row.id, template.templateId, answer.msgid, deps.now())
    noticesSent.inc({ kind: row.kind, channel: template.channel })
    return 'sent'
  }
  const verdict = verdictFor(answer.errcode)
  if (template.channel === 'subscribe' && answer.errcode !== 43101 && verdict.kind !== 'drop') await returnSubscription(db, row.openid, template.templateId, deps.now())
  switch (verdict.kind) {
    case 'drop':
    case 'token':
      return drop(deps, row, answer.errcode, verdict.kind === 'drop' ? verdict.reason : 'token_rejected')
    case 'retry':
      return retryLater(deps, row, answer.errcode, verdict.reason)
    case 'pause_minute':
      await markRetry(db, row.id, new Date(deps.now().getTime() + 60_000), answer.errcode, verdict.reason)
      return 'pause_minute'
    case 'pause_day':
      await markRetry(db, row.id, new Date(deps.now().getTime() + untilTomorrowMs(deps.now())), answer.errcode, verdict.reason)
      return 'pause_day'
  }
}

/** Attempts after which a notice that keeps failing is given up (about 4 hours of backoff). */
export const MAX_ATTEMPTS = 10

async function retryLater(deps: SendDeps, row: ClaimedNotice, code: number | null, reason: string): Promise<Outcome> {
  if (row.attempts >= MAX_ATTEMPTS) return drop(deps, row, code, 'gave_up')
  await markRetry(deps.db, row.id, new Date(deps.now().getTime() + backoffMs(row.attempts)), code, reason)
  return 'retry'
}

async function drop(deps: SendDeps, row: ClaimedNotice, code: number | null, reason: string): Promise<Outcome> {
  await markDropped(deps.db, row.id, code, reason)
  noticesDropped.inc({ reason })
  return 'dropped'
}
