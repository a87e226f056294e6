import type { AppDb } from '../../db/client.ts'
import { readDevOutbox, readRecentCodes } from './dev-sms-outbox.repository.ts'
import { hashCode, MAX_FAILED_ATTEMPTS } from './sms-codes.service.ts'

/** What a message in the development outbox is worth now. */
export type OutboxStatus = 'current' | 'superseded' | 'used' | 'expired' | 'locked' | 'initial_password'

const NOTES: Record<OutboxStatus, string> = {
  current: '当前有效：输入这个验证码',
  superseded: '已失效：之后又发送了新的验证码',
  used: '已使用',
  expired: '已过期',
  locked: '已失效：输错次数过多',
  initial_password: '初始密码（首次登录后须修改）',
}

export interface OutboxDeps {
  db: AppDb
  smsHashKey: string
}

/**
 * The development outbox for one phone, newest first, each verification code marked with what it
 * is worth now — only the newest unused, unexpired code of its purpose is `current` (the one
 * sign-up and 忘记密码 accept) — and the current codes listed first on their own. Codes are
 * matched to the server's stored hashes, so the marking is what the server will accept.
 */
export async function readOutbox(deps: OutboxDeps, phone: string, now: Date) {
  const [messages, codes] = await Promise.all([readDevOutbox(deps.db, phone), readRecentCodes(deps.db, phone)])
  const newestLive = new Map<string, (typeof codes)[number]>()
  for (const code of codes) {
    if (code.consumedAt === null && code.expiresAt > now && !newestLive.has(code.purpose)) newestLive.set(code.purpose, code)
  }
  const marked = messages.map((message) => {
    let status: OutboxStatus
    if (message.purpose === 'initial_password') status = 'initial_password'
    else {
      const hash = hashCode(deps.smsHashKey, message.phone, message.purpose, message.code)
      const stored = codes.find((code) => code.purpose === message.purpose && code.codeHash === hash)
      if (!stored || stored.expiresAt <= now) status = 'expired'
      else if (stored.consumedAt !== null) status = 'used'
      else if (newestLive.get(message.purpose) !== stored) status = 'superseded'
      else if (stored.failedAttempts >= MAX_FAILED_ATTEMPTS) status = 'locked'
      else status = 'current'
    }
    return { ...message, sentAt: message.sentAt.toISOString(), status, note: NOTES[status] }
  })
  const current = marked
    .filter((m) => m.status === 'current')
    .map((m) => ({ purpose: m.purpose, code: m.code, expiresAt: (newestLive.get(m.purpose)?.expiresAt as Date).toISOString() }))
  return { current, messages: marked }
}
