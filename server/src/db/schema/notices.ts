import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { requiredRef, timestamptz } from './columns.ts'
import { users } from './users.ts'

/**
 * WeChat notices waiting to be sent, written in the transaction of the event that causes them
 * (payment, certificate, invoice, password reset, deadline reminder). `(event_key, user_id)` is unique,
 * so telling the same event twice queues one notice. The sender (modules/notices/send.job.ts) claims
 * rows by moving them to `sending` with `FOR UPDATE SKIP LOCKED`; a row whose claim expired (the
 * instance died mid-send) is claimed again and resent with the same `client_msg_id`.
 */
export const noticeOutbox = pgTable(
  'notice_outbox',
  {
    id: serial().primaryKey(),
    /** What happened, e.g. `order_paid:J2026…`, `reminder:2026-12-31:14`. */
    eventKey: text().notNull(),
    userId: requiredRef(() => users.id),
    /** Notice kind (notices.config.ts NoticeKind). */
    kind: text().notNull(),
    /** Key → value as sent (already fitted to WeChat's per-type rules by notices.rules.ts). */
    data: jsonb().$type<Record<string, string>>().notNull(),
    /** H5 path opened on tap (through the OAuth entry); the channel and template come from the configuration at send time. */
    path: text().notNull(),
    /** Channel and template actually used, recorded when sent. */
    templateId: text(),
    state: text().$type<'queued' | 'sending' | 'sent' | 'dropped'>().notNull().default('queued'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamptz().notNull(),
    /** While `sending`: the claim lasts until then; after it another sender may take the row. */
    claimedUntil: timestamptz(),
    lastErrorCode: integer(),
    lastErrorReason: text(),
    /** WeChat's msgid, kept as a string (19 digits, beyond a JS number). */
    msgid: text(),
    sentAt: timestamptz(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [
    uniqueIndex('notice_outbox_event_user').on(t.eventKey, t.userId),
    index('notice_outbox_due').on(t.nextAttemptAt).where(sql`${t.state} in ('queued', 'sending')`),
    index().on(t.userId, t.kind, t.createdAt),
  ],
)

/**
 * 订阅通知 consent per openid and template, recorded from WeChat's server events
 * (subscribe_msg_popup_event / subscribe_msg_change_event), never from the page. A one-time
 * subscription allows one send: `remaining` counts them down; `rejected` stops all sends.
 */
export const noticeSubscriptions = pgTable(
  'notice_subscriptions',
  {
    openid: text().notNull(),
    templateId: text().notNull(),
    remaining: integer().notNull().default(0),
    rejected: boolean().notNull().default(false),
    updatedAt: timestamptz().notNull(),
  },
  (t) => [primaryKey({ columns: [t.openid, t.templateId] })],
)

/**
 * 在线客服: messages learners sent to the Official Account and staff replies (custom/send). One
 * conversation per openid; `userId` is the bound learner when there is one. Incoming messages are
 * unique by WeChat's MsgId (WeChat retries a push up to three times).
 */
export const conversationMessages = pgTable(
  'conversation_messages',
  {
    id: serial().primaryKey(),
    openid: text().notNull(),
    userId: integer().references(() => users.id),
    direction: text().$type<'in' | 'out' | 'auto'>().notNull(),
    content: text().notNull(),
    wechatMsgId: text(),
    staffId: integer(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [index().on(t.openid, t.createdAt), index().on(t.userId), uniqueIndex('conversation_messages_msgid').on(t.wechatMsgId)],
)

/**
 * Pushes to our server URL already handled, keyed as WeChat advises (messages by MsgId, events by
 * sender + CreateTime + event): WeChat retries a push up to three times, and an accepted subscription
 * counted twice would allow a send the learner never agreed to.
 */
export const wechatPushReceipts = pgTable('wechat_push_receipts', {
  key: text().primaryKey(),
  receivedAt: timestamptz().notNull(),
})
