// 模板消息, 订阅通知 and 客服消息 as WeChat checks them (docs/wechat-protocol.md §8.7): per-openid
// follow state, one-time subscriptions, the 48-hour 客服 window, the per-type value rules (47003),
// client_msg_id de-duplication for 10 minutes, daily and per-minute quotas, 19-digit msgids, and a
// record of every message "delivered" for the /dev page. Written separately from the product's
// rules on purpose: a shared bug would make both sides agree.
import { randomDigits } from './util.ts'
import { keysOf, SIM_TEMPLATES, type SimTemplate } from './messages-templates.ts'

export interface Delivered {
  channel: 'template' | 'subscribe' | 'custom'
  openid: string
  templateId: string | null
  data: Record<string, string>
  url: string | null
  msgid: string | null
  at: number
}

export type SimAnswer = { errcode: number; errmsg: string; msgid?: string }

const MIN = 60_000

export class MessageState {
  /** Openids of this AppID known besides those OAuth issued (test users added through /dev). */
  readonly known = new Set<string>()
  readonly follows = new Set<string>()
  /** `${openid}|${templateId}` → unused one-time subscriptions */
  readonly subscriptions = new Map<string, number>()
  /** openid → time of the user's last message (opens the 48 h window, 5 replies) */
  readonly interactions = new Map<string, { at: number; left: number }>()
  readonly delivered: Delivered[] = []
  templates: SimTemplate[] = SIM_TEMPLATES.map((t) => ({ ...t }))
  /** Sends allowed per day and per minute for template/send (45009 / 45011). */
  dailyLimit = 100_000
  minuteLimit = 1_000_000
  private usedToday = 0
  private day = ''
  private minute = { start: 0, used: 0 }
  private readonly dedup = new Map<string, { at: number; msgid: string }>()

  constructor(
    private readonly now: () => number,
    private readonly issued: (openid: string) => boolean,
  ) {}

  private knownOpenid(openid: string): boolean {
    return this.issued(openid) || this.known.has(openid) || this.follows.has(openid)
  }

  private quota(): SimAnswer | null {
    const t = this.now()
    const day = new Date(t + 8 * 3600_000).toISOString().slice(0, 10)
    if (day !== this.day) {
      this.day = day
      this.usedToday = 0
    }
    if (t - this.minute.start >= MIN) this.minute = { start: t - (t % MIN), used: 0 }
    if (this.usedToday >= this.dailyLimit) return { errcode: 45009, errmsg: 'reach max api daily quota limit' }
    if (this.minute.used >= this.minuteLimit) return { errcode: 45011, errmsg: 'api minute-quota reach limit  mustslower  retry next minute' }
    this.usedToday++
    this.minute.used++
    return null
  }

  private record(d: Omit<Delivered, 'at' | 'msgid'>, withMsgid: boolean): SimAnswer {
    // 19 digits, first non-zero: beyond Number.MAX_SAFE_INTEGER, as real msgids are.
    const msgid = withMsgid ? `${1 + Number(randomDigits(1)) % 9}${randomDigits(18)}` : null
    this.delivered.push({ ...d, msgid, at: this.now() })
    return msgid ? { errcode: 0, errmsg: 'ok', msgid } : { errcode: 0, errmsg: 'ok' }
  }

  templateSend(body: Record<string, unknown>): SimAnswer {
    const touser = body.touser
    if (typeof touser !== 'string' || !this.knownOpenid(touser)) return { errcode: 40003, errmsg: 'invalid openid' }
    const template = this.templates.find((t) => t.kind === 'template' && t.id === body.template_id)
    if (typeof body.template_id !== 'string' || body.template_id === '') return { errcode: 40036, errmsg: 'invalid template_id size' }
    if (!template) return { errcode: 40037, errmsg: 'invalid template_id' }
    if (!this.follows.has(touser)) return { errcode: 43004, errmsg: 'require subscribe' }
    const checked = checkData(template, body.data)
    if (!checked.ok) return checked.answer
    const data = checked.data
    const key = typeof body.client_msg_id === 'string' ? `${touser}|${body.client_msg_id}` : null
    const seen = key ? this.dedup.get(key) : undefined
    if (seen && this.now() - seen.at < 10 * MIN) return { errcode: 0, errmsg: 'ok', msgid: seen.msgid }
    const over = this.quota()
    if (over) return over
    const answer = this.record({ channel: 'template', openid: touser, templateId: template.id, data, url: typeof body.url === 'string' ? body.url : null }, true)
    if (key && answer.msgid) this.dedup.set(key, { at: this.now(), msgid: answer.msgid })
    return answer
  }

  bizsend(body: Record<string, unknown>): SimAnswer {
    const touser = body.touser
    if (typeof touser !== 'string' || !this.knownOpenid(touser)) return { errcode: 40003, errmsg: 'invalid openid' }
    const template = this.templates.find((t) => t.kind === 'subscribe' && t.id === body.template_id)
    if (!template) return { errcode: 40037, errmsg: 'invalid template_id' }
    if (typeof body.data === 'string') return { errcode: 47001, errmsg: 'data format error' }
    const checked = checkData(template, body.data)
    if (!checked.ok) return checked.answer
    const data = checked.data
    const subKey = `${touser}|${template.id}`
    const left = this.subscriptions.get(subKey) ?? 0
    if (left <= 0) return { errcode: 43101, errmsg: 'user refuse to accept the msg' }
    this.subscriptions.set(subKey, left - 1)
    return this.record({ channel: 'subscribe', openid: touser, templateId: template.id, data, url: typeof body.page === 'string' ? body.page : null }, true)
  }

  customSend(body: Record<string, unknown>): SimAnswer {
    const touser = body.touser
    if (typeof touser !== 'string' || !this.knownOpenid(touser)) return { errcode: 40003, errmsg: 'invalid openid' }
    const type = body.msgtype
    const known = ['text', 'image', 'voice', 'video', 'music', 'news', 'mpnews', 'mpnewsarticle', 'msgmenu', 'wxcard', 'miniprogrampage']
    if (typeof type !== 'string' || !known.includes(type)) return { errcode: 40008, errmsg: 'invalid message type' }
    const window = this.interactions.get(touser)
    if (!this.follows.has(touser) || !window || this.now() - window.at > 48 * 3600_000) {
      return { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' }
    }
    if (type === 'news') {
      const articles = (body.news as { articles?: unknown[] } | undefined)?.articles
      if (!Array.isArray(articles) || articles.length !== 1) return { errcode: 45008, errmsg: 'article size out of limit' }
    }
    if (window.left <= 0) return { errcode: 45047, errmsg: 'out of response count limit' }
    window.left--
    const text = type === 'text' ? String((body.text as { content?: unknown } | undefined)?.content ?? '') : type
    return this.record({ channel: 'custom', openid: touser, templateId: null, data: { content: text }, url: null }, false)
  }

  /** The user wrote to the account: 5 replies within 48 hours. */
  userMessaged(openid: string): void {
    this.interactions.set(openid, { at: this.now(), left: 5 })
  }
}

/** WeChat's value rules by key prefix (§8.2.3); `keyword` keys of old templates are folded, not refused. */
export function checkValue(key: string, value: string): boolean {
  const len = [...value].length
  const prefix = key.replace(/\d+$/, '')
  switch (prefix) {
    case 'thing':
      return len <= 20 && !/[\r\n]/.test(value)
    case 'number':
      return /^\d+(\.\d+)?$/.test(value) && value.replace('.', '').length <= 32
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value)
    case 'symbol':
      return len <= 5 && !/[\p{L}\p{N}\p{Cc}]/u.test(value)
    case 'character_string':
      return len <= 32 && !/[^\x20-\x7e]/.test(value)
    case 'time':
      return /^(\d{4}年\d{1,2}月\d{1,2}日\s*)?\d{1,2}:\d{2}(\s*~\s*.+)?$/.test(value) || /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(:\d{2})?$/.test(value)
    case 'date':
      return /^\d{4}年\d{1,2}月\d{1,2}日(\s*\d{1,2}:\d{2})?(\s*~\s*.+)?$/.test(value) || /^\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2})?$/.test(value)
    case 'amount':
      return /^[¥￥$€]?\d{1,10}(\.\d+)?元?$/.test(value)
    case 'phone_number':
      return len <= 17 && /^[\d+\-() ]+$/.test(value)
    case 'name':
      return /\p{Script=Han}/u.test(value) ? len <= 10 : len <= 20
    case 'phrase':
      return /^\p{Script=Han}{1,5}$/u.test(value)
    default:
      return true
  }
}

type Checked = { ok: true; data: Record<string, string> } | { ok: false; answer: SimAnswer }

function checkData(template: SimTemplate, raw: unknown): Checked {
  const fail = (errcode: number, errmsg: string): Checked => ({ ok: false, answer: { errcode, errmsg } })
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(47001, 'data format error')
  const out: Record<string, string> = {}
  for (const key of keysOf(template.content)) {
    const entry = (raw as Record<string, unknown>)[key]
    const value = typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined
    if (typeof value !== 'string' || value === '') return fail(47003, `argument invalid! data.${key}.value is empty`)
    if (!checkValue(key, value)) return fail(47003, `argument invalid! data.${key}.value invalid`)
    out[key] = value
  }
  return { ok: true, data: out }
}
