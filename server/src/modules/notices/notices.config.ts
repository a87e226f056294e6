import { ConfigError, parseInteger, read, type Env } from '../../core/config-reading.ts'

/**
 * The notices feature's settings: which WeChat channel and template each notice kind uses, how fast
 * the sender may go, the deadline reminders' schedule, and our server URL's Token / EncodingAESKey.
 * The sample defaults match the built-in simulator's template list (simulator/messages-templates.ts).
 */

export const NOTICE_KINDS = [
  'payment_succeeded',
  'group_enrolled',
  'transfer_confirmed',
  'certificate_ready',
  'invoice_issued',
  'invoice_reversed',
  'password_reset',
  'phone_changed',
  'deadline_reminder',
] as const
export type NoticeKind = (typeof NOTICE_KINDS)[number]

export type NoticeChannel = 'template' | 'subscribe'

export interface NoticeTemplate {
  channel: NoticeChannel
  templateId: string
}

/** The keys each kind sends, in the template's order: the go-live check compares them with the account's template. */
export const NOTICE_KEYS: Record<NoticeKind, readonly string[]> = {
  payment_succeeded: ['thing1', 'amount2', 'character_string3', 'time4'],
  group_enrolled: ['thing1', 'thing2', 'time3'],
  transfer_confirmed: ['thing1', 'amount2', 'character_string3', 'phrase4'],
  certificate_ready: ['thing1', 'character_string2', 'date3'],
  invoice_issued: ['character_string1', 'amount2', 'phrase3', 'time4'],
  invoice_reversed: ['character_string1', 'amount2', 'phrase3', 'time4'],
  password_reset: ['thing1', 'time2', 'thing3'],
  phone_changed: ['thing1', 'time2', 'thing3'],
  deadline_reminder: ['thing1', 'number2', 'time3', 'thing4'],
}

/** Sample template ids: the simulator's account has these (they are not real WeChat ids). */
export const SAMPLE_TEMPLATES: Record<NoticeKind, NoticeTemplate> = {
  payment_succeeded: { channel: 'template', templateId: 'simTplPaymentOk' },
  group_enrolled: { channel: 'template', templateId: 'simTplGroupEnrolled' },
  transfer_confirmed: { channel: 'template', templateId: 'simTplTransferOk' },
  certificate_ready: { channel: 'template', templateId: 'simTplCertificate' },
  invoice_issued: { channel: 'template', templateId: 'simTplInvoice' },
  invoice_reversed: { channel: 'template', templateId: 'simTplInvoice' },
  password_reset: { channel: 'template', templateId: 'simTplSecurity' },
  phone_changed: { channel: 'template', templateId: 'simTplSecurity' },
  deadline_reminder: { channel: 'subscribe', templateId: 'simSubDeadline' },
}

export interface NoticesConfig {
  templates: Record<NoticeKind, NoticeTemplate>
  /** Sends per second this process holds itself to (under WeChat's rate_limit; docs/deployment.md). */
  sendPerSecond: number
  /** Rows one sender pass claims at a time. */
  batchSize: number
  /** Sends in flight at once within a pass (the rate limit still applies). */
  concurrency: number
  reminders: {
    /** The deadline of the year's plan, ISO date (China time, end of that day); null: no reminders. */
    deadline: string | null
    /** Days before the deadline a reminder goes out, e.g. [30, 14, 3]. */
    daysBefore: number[]
  }
  /** Our server URL's Token and EncodingAESKey (43 characters; null: plain mode only). */
  serverToken: string
  encodingAesKey: string | null
}

export const SAMPLE_SERVER_TOKEN = 'simulatortoken'

export function parseNotices(env: Env): NoticesConfig {
  const templates = { ...SAMPLE_TEMPLATES }
  for (const kind of NOTICE_KINDS) {
    const name = `NOTICE_TEMPLATE_${kind.toUpperCase()}`
    const raw = read(env, name)
    if (raw === undefined) continue
    const match = /^(template|subscribe):([\w-]{1,128})$/.exec(raw)
    if (!match) throw new ConfigError(`${name} must be channel:template_id, e.g. ${name}=template:Xk8aBc… or ${name}=subscribe:Xk8aBc… (got "${raw}")`)
    templates[kind] = { channel: match[1] as NoticeChannel, templateId: match[2] as string }
  }
  const deadline = read(env, 'REMINDER_DEADLINE') ?? null
  if (deadline !== null && !/^\d{4}-\d{2}-\d{2}$/.test(deadline)) throw new ConfigError(`REMINDER_DEADLINE must be a date, e.g. REMINDER_DEADLINE=2026-12-31 (got "${deadline}")`)
  const daysRaw = read(env, 'REMINDER_DAYS_BEFORE') ?? '30,14,3'
  const daysBefore = daysRaw.split(',').map((d) => Number(d.trim()))
  if (daysBefore.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
    throw new ConfigError(`REMINDER_DAYS_BEFORE must be days before the deadline, separated by commas, e.g. REMINDER_DAYS_BEFORE=30,14,3 (got "${daysRaw}")`)
  }
  const encodingAesKey = read(env, 'WECHAT_ENCODING_AES_KEY') ?? null
  if (encodingAesKey !== null && !/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new ConfigError('WECHAT_ENCODING_AES_KEY must be the 43 characters shown in the Official Account platform')
  return {
    templates,
    sendPerSecond: parseInteger(env, 'NOTICES_SEND_PER_SECOND', 200, 1, 10_000),
    batchSize: 100,
    concurrency: 8,
    reminders: { deadline, daysBefore: [...new Set(daysBefore)].sort((a, b) => b - a) },
    serverToken: read(env, 'WECHAT_SERVER_TOKEN') ?? SAMPLE_SERVER_TOKEN,
    encodingAesKey,
  }
}

/**
 * Production refuses the published sample Token: anyone holding it could sign pushes to our server
 * URL (forged 订阅 consents, messages posing as a learner). WeChat's own rule for the Token: 3–32
 * letters or digits.
 */
export function requireNoticesInProduction(env: Env): void {
  const token = read(env, 'WECHAT_SERVER_TOKEN')
  if (token === undefined) throw new ConfigError('WECHAT_SERVER_TOKEN is required when APP_ENV=production (the Token of 服务器配置; see docs/deployment.md)')
  if (token === SAMPLE_SERVER_TOKEN || !/^[A-Za-z0-9]{3,32}$/.test(token)) {
    throw new ConfigError('WECHAT_SERVER_TOKEN must be 3–32 letters or digits of your own (not the sample) when APP_ENV=production')
  }
}

/** The defaults (tests, development without a .env). */
export function defaultNoticesConfig(): NoticesConfig {
  return parseNotices({})
}
