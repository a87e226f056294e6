import type { ConversationDetail, ConversationSummary, LearnerBrief } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { getAccessToken, refreshRejectedAccessToken } from '../../integrations/wechat/access-token.ts'
import { sendCustomText, sendSubscribeMessage, sendTemplateMessage } from '../../integrations/wechat/messages.ts'
import type { PushXml } from '../../integrations/wechat/server-push.ts'
import type { WechatApiSettings, WechatCallOptions } from '../../integrations/wechat/settings.ts'
import type { NoticeKind, NoticesConfig } from './notices.config.ts'
import { ConversationNotFoundError, ConversationWindowClosedError } from './notices.errors.ts'
import { fitData, formatDate, formatTime } from './notices.rules.ts'
import { noticeUrl } from './send.job.ts'
import {
  firstReceipt,
  insertConversationMessage,
  listConversations,
  listMessages,
  plansOf,
  recordSubscription,
  userIdForOpenid,
} from './notices.repository.ts'

/**
 * 在线客服 through the Official Account and 订阅通知 consent: what our server URL does with a push,
 * and the staff side of conversations (read with the learner's account beside, reply through
 * 客服消息 within WeChat's 48-hour window).
 *
 * @see docs/wechat-protocol.md §8.2.5, §8.3
 */

/** The automatic answer to a learner's message (once an hour at most per learner). */
export const AUTO_REPLY = '您好，您的留言已收到，工作人员会在工作时间内通过本公众号回复您。急事请拨打页面「咨询方式」中的咨询电话。'

const HOUR = 3600_000
const TOKEN_REJECTED = new Set([40001, 40014, 42001])
const WINDOW_MS = 48 * HOUR
/** 客服消息 replies allowed per learner message (WeChat: 5 within 48 hours). */
const REPLIES_PER_MESSAGE = 5

/** Staff-side hooks the composition gives (the learner's masked account; the audit trail). */
export interface ConversationHooks {
  /** The learner's account with personal data masked; null when the openid is not bound to one. */
  describeLearner(userId: number): Promise<{ maskedName: string; maskedPhone: string; maskedIdNumber: string } | null>
  audit(tx: AppDb, action: { staffId: number; action: string; target: string; detail?: Record<string, unknown> }, now: Date): Promise<void>
}

export interface ConversationDeps extends ConversationHooks {
  db: AppDb
  wechat: WechatApiSettings
  now: () => Date
  call?: WechatCallOptions
}

/**
 * Handles one verified, decrypted push. Returns the text of a passive reply, or null for "success"
 * (handled, nothing to say). A retried push changes nothing the second time.
 */
export async function handlePush(db: AppDb, push: PushXml, now: Date): Promise<string | null> {
  const f = push.fields
  const openid = f.FromUserName
  if (!openid) return null
  if (f.MsgType === 'event') {
    const event = f.Event ?? ''
    if (event !== 'subscribe_msg_popup_event' && event !== 'subscribe_msg_change_event') return null
    if (!(await firstReceipt(db, `event:${openid}:${f.CreateTime ?? ''}:${event}`, now))) return null
    for (const item of push.lists) {
      const status = item.SubscribeStatusString
      if (item.TemplateId && (status === 'accept' || status === 'reject')) await recordSubscription(db, openid, item.TemplateId, status, now)
    }
    return null
  }
  const msgId = f.MsgId ?? `${openid}:${f.CreateTime ?? ''}`
  const content = f.MsgType === 'text' ? (f.Content ?? '').slice(0, 2000) : `[${f.MsgType ?? '消息'}]`
  const userId = await userIdForOpenid(db, openid)
  const fresh = await insertConversationMessage(db, { openid, userId, direction: 'in', content, wechatMsgId: msgId }, now)
  if (!fresh) return null
  const recent = (await listMessages(db, openid)).some((m) => m.direction === 'auto' && now.getTime() - m.createdAt.getTime() < HOUR)
  if (recent) return null
  await insertConversationMessage(db, { openid, userId, direction: 'auto', content: AUTO_REPLY }, now)
  return AUTO_REPLY
}

async function learnerOf(deps: ConversationDeps, userId: number | null): Promise<LearnerBrief | null> {
  if (userId === null) return null
  const account = await deps.describeLearner(userId)
  if (!account) return null
  const plans = await plansOf(deps.db, userId)
  return { userId, ...account, plans: plans.map((p) => ({ title: p.title, year: p.year, completed: p.completedAt !== null })) }
}

/** Whether staff may still reply, and how many replies are left (48 h after the learner's last message, 5 replies). */
function windowOf(messages: { direction: string; createdAt: Date }[], now: Date): { open: boolean; repliesLeft: number } {
  const lastIn = [...messages].reverse().find((m) => m.direction === 'in')
  if (!lastIn || now.getTime() - lastIn.createdAt.getTime() > WINDOW_MS) return { open: false, repliesLeft: 0 }
  const used = messages.filter((m) => m.direction === 'out' && m.createdAt.getTime() >= lastIn.createdAt.getTime()).length
  const repliesLeft = Math.max(0, REPLIES_PER_MESSAGE - used)
  return { open: repliesLeft > 0, repliesLeft }
}

export async function conversations(deps: ConversationDeps, page: { limit: number; offset: number }): Promise<ConversationSummary[]> {
  const rows = await listConversations(deps.db, page.limit, page.offset)
  const now = deps.now()
  return Promise.all(
    rows.map(async (r) => ({
      id: r.openid,
      learner: await learnerOf(deps, r.userId),
      lastMessage: r.lastContent.slice(0, 60),
      lastAt: r.lastAt.toISOString(),
      canReply: r.lastInAt !== null && now.getTime() - r.lastInAt.getTime() <= WINDOW_MS,
    })),
  )
}

export async function conversation(deps: ConversationDeps, openid: string): Promise<ConversationDetail> {
  const messages = await listMessages(deps.db, openid)
  if (messages.length === 0) throw new ConversationNotFoundError()
  const userId = messages.find((m) => m.userId !== null)?.userId ?? (await userIdForOpenid(deps.db, openid))
  const window = windowOf(messages, deps.now())
  return {
    id: openid,
    learner: await learnerOf(deps, userId),
    canReply: window.open,
    repliesLeft: window.repliesLeft,
    messages: messages.map((m) => ({ direction: m.direction, content: m.content, at: m.createdAt.toISOString() })),
  }
}

/** A staff reply through 客服消息; refused outside the window. Audited (who replied to which conversation, not what). */
export async function reply(deps: ConversationDeps, staffId: number, openid: string, content: string): Promise<ConversationDetail> {
  const messages = await listMessages(deps.db, openid)
  if (messages.length === 0) throw new ConversationNotFoundError()
  if (!windowOf(messages, deps.now()).open) throw new ConversationWindowClosedError()
  let token = await getAccessToken(deps.db, deps.wechat, deps.call)
  let answer = await sendCustomText(deps.wechat, token, openid, content, deps.call)
  if (TOKEN_REJECTED.has(answer.errcode)) {
    token = await refreshRejectedAccessToken(deps.db, deps.wechat, token, deps.call)
    answer = await sendCustomText(deps.wechat, token, openid, content, deps.call)
  }
  if (answer.errcode === 45015 || answer.errcode === 45047) throw new ConversationWindowClosedError()
  if (answer.errcode !== 0) throw new Error(`custom/send failed with errcode ${answer.errcode}`)
  const now = deps.now()
  const userId = messages.find((m) => m.userId !== null)?.userId ?? null
  await deps.db.transaction(async (tx) => {
    await insertConversationMessage(tx, { openid, userId, direction: 'out', content, staffId }, now)
    await deps.audit(tx, { staffId, action: 'conversation.reply', target: userId === null ? 'conversation' : `user:${userId}`, detail: { length: [...content].length } }, now)
  })
  return conversation(deps, openid)
}

/** Sample values per kind, for the operator's test message (nothing personal). */
export function sampleNotice(kind: NoticeKind, now: Date): { data: Record<string, string>; path: string } {
  const time = formatTime(now)
  const samples: Record<NoticeKind, Record<string, string>> = {
    payment_succeeded: { thing1: '测试：公需科目', amount2: '¥0.01', character_string3: 'TEST0001', time4: time },
    group_enrolled: { thing1: '测试：公需科目', thing2: '单位已为您购买，可开始学习', time3: time },
    transfer_confirmed: { thing1: '测试：公需科目', amount2: '¥0.01', character_string3: 'TEST0001', phrase4: '已确认' },
    certificate_ready: { thing1: '测试：公需科目', character_string2: 'TEST-CERT-0001', date3: formatDate(now) },
    invoice_issued: { character_string1: 'TEST0001', amount2: '¥0.01', phrase3: '已开具', time4: time },
    invoice_reversed: { character_string1: 'TEST0001', amount2: '¥0.01', phrase3: '已红冲', time4: time },
    password_reset: { thing1: '这是一条测试消息', time2: time, thing3: '无需处理' },
    phone_changed: { thing1: '这是一条测试消息', time2: time, thing3: '无需处理' },
    deadline_reminder: { thing1: '测试：公需科目', number2: '12', time3: time, thing4: '不想再收到可在服务通知设置中关闭' },
  }
  return { data: fitData(samples[kind]), path: '/' }
}

/**
 * Sends one test notice straight to an openid (the staff member's own), bypassing the outbox, and
 * answers what WeChat said. Audited.
 */
export async function sendTestNotice(
  deps: ConversationDeps & { config: NoticesConfig; publicBaseUrl: string },
  staffId: number,
  openid: string,
  kind: NoticeKind,
): Promise<{ errcode: number; errmsg: string; msgid: string | null; templateId: string; channel: string }> {
  const template = deps.config.templates[kind]
  const { data, path } = sampleNotice(kind, deps.now())
  const wrapped = Object.fromEntries(Object.entries(data).map(([k, value]) => [k, { value }]))
  const url = noticeUrl(deps.publicBaseUrl, path)
  const send = (token: string) =>
    template.channel === 'template'
      ? sendTemplateMessage(deps.wechat, token, { touser: openid, template_id: template.templateId, url, data: wrapped }, deps.call)
      : sendSubscribeMessage(deps.wechat, token, { touser: openid, template_id: template.templateId, page: url, data: wrapped }, deps.call)
  const token = await getAccessToken(deps.db, deps.wechat, deps.call)
  let answer = await send(token)
  if (TOKEN_REJECTED.has(answer.errcode)) answer = await send(await refreshRejectedAccessToken(deps.db, deps.wechat, token, deps.call))
  await deps.audit(deps.db, { staffId, action: 'notices.test_message', target: `notice_kind:${kind}`, detail: { errcode: answer.errcode } }, deps.now())
  return { ...answer, templateId: template.templateId, channel: template.channel }
}
