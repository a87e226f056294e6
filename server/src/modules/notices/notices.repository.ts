import { and, eq, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { conversationMessages, noticeOutbox, noticeSubscriptions, wechatPushReceipts } from '../../db/schema/notices.ts'
import { boundOpenids, userIdOfOpenid } from '../auth/auth.read-model.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { activeEnrollments } from '../orders/orders.read-model.ts'
import type { NoticeKind } from './notices.config.ts'

/** A notice to queue; values already fitted (notices.rules.ts). */
export interface NewNotice {
  eventKey: string
  userId: number
  kind: NoticeKind
  data: Record<string, string>
  path: string
}

/** Queues notices; the same (event, learner) again changes nothing. Returns how many were new. */
export async function insertNotices(db: AppDb, notices: NewNotice[], now: Date): Promise<number> {
  if (notices.length === 0) return 0
  const rows = await db
    .insert(noticeOutbox)
    .values(notices.map((n) => ({ ...n, state: 'queued' as const, nextAttemptAt: now, createdAt: now })))
    .onConflictDoNothing()
    .returning({ id: noticeOutbox.id })
  return rows.length
}

export interface ClaimedNotice {
  id: number
  userId: number
  kind: string
  data: Record<string, string>
  path: string
  attempts: number
  openid: string | null
}

/**
 * Claims up to `limit` due notices for this sender: queued ones whose time has come, and ones
 * another sender claimed but did not finish before its claim ran out. Rows locked by a concurrent
 * claim are skipped, so two senders never hold the same row.
 */
export async function claimDueNotices(db: AppDb, now: Date, claimMs: number, limit: number): Promise<ClaimedNotice[]> {
  const until = new Date(now.getTime() + claimMs)
  const result = await db.execute(sql`
    with due as (
      select id from notice_outbox
      where ((state = 'queued' and next_attempt_at <= ${now.toISOString()}::timestamptz)
          or (state = 'sending' and claimed_until <= ${now.toISOString()}::timestamptz))
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    update notice_outbox o set state = 'sending', claimed_until = ${until.toISOString()}::timestamptz, attempts = o.attempts + 1
    from due where o.id = due.id
    returning o.id, o.user_id, o.kind, o.data, o.path, o.attempts`)
  const rows = rowsOf(result)
  const openids = await boundOpenids(db, rows.map((r) => Number(r.user_id)))
  return rows.map((r) => ({
    id: Number(r.id),
    userId: Number(r.user_id),
    kind: String(r.kind),
    data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, string>,
    path: String(r.path),
    attempts: Number(r.attempts),
    openid: openids.get(Number(r.user_id)) ?? null,
  }))
}

export async function markSent(db: AppDb, id: number, templateId: string, msgid: string | null, now: Date): Promise<void> {
  await db
    .update(noticeOutbox)
    .set({ state: 'sent', templateId, msgid, sentAt: now, claimedUntil: null, lastErrorCode: null, lastErrorReason: null })
    .where(and(eq(noticeOutbox.id, id), eq(noticeOutbox.state, 'sending')))
}

export async function markDropped(db: AppDb, id: number, code: number | null, reason: string): Promise<void> {
  await db
    .update(noticeOutbox)
    .set({ state: 'dropped', claimedUntil: null, lastErrorCode: code, lastErrorReason: reason })
    .where(and(eq(noticeOutbox.id, id), eq(noticeOutbox.state, 'sending')))
}

/** Back to the queue for a later attempt (busy, quota, network). */
export async function markRetry(db: AppDb, id: number, at: Date, code: number | null, reason: string): Promise<void> {
  await db
    .update(noticeOutbox)
    .set({ state: 'queued', nextAttemptAt: at, claimedUntil: null, lastErrorCode: code, lastErrorReason: reason })
    .where(and(eq(noticeOutbox.id, id), eq(noticeOutbox.state, 'sending')))
}

/** Notices waiting (queued or being sent), for the metrics. */
export async function countQueued(db: AppDb): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(noticeOutbox).where(sql`${noticeOutbox.state} in ('queued', 'sending')`)
  return row?.n ?? 0
}

export async function findOutboxForUser(db: AppDb, userId: number) {
  return db.select().from(noticeOutbox).where(eq(noticeOutbox.userId, userId)).orderBy(noticeOutbox.id)
}

/** 订阅通知 consent: an accepted popup adds one send; a refusal stops them (docs/wechat-protocol.md §8.2.4–8.2.5). */
export async function recordSubscription(db: AppDb, openid: string, templateId: string, status: 'accept' | 'reject', now: Date): Promise<void> {
  await db
    .insert(noticeSubscriptions)
    .values({ openid, templateId, remaining: status === 'accept' ? 1 : 0, rejected: status === 'reject', updatedAt: now })
    .onConflictDoUpdate({
      target: [noticeSubscriptions.openid, noticeSubscriptions.templateId],
      set:
        status === 'accept'
          ? { remaining: sql`${noticeSubscriptions.remaining} + 1`, rejected: false, updatedAt: now }
          : { remaining: 0, rejected: true, updatedAt: now },
    })
}

/** Uses one subscription before a 订阅通知 send; false when there is none left. */
export async function takeSubscription(db: AppDb, openid: string, templateId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(noticeSubscriptions)
    .set({ remaining: sql`${noticeSubscriptions.remaining} - 1`, updatedAt: now })
    .where(and(eq(noticeSubscriptions.openid, openid), eq(noticeSubscriptions.templateId, templateId), sql`${noticeSubscriptions.remaining} > 0`, eq(noticeSubscriptions.rejected, false)))
    .returning({ remaining: noticeSubscriptions.remaining })
  return rows.length > 0
}

/** Gives a subscription back after a send that WeChat did not accept for a reason other than consent. */
export async function returnSubscription(db: AppDb, openid: string, templateId: string, now: Date): Promise<void> {
  await db
    .update(noticeSubscriptions)
    .set({ remaining: sql`${noticeSubscriptions.remaining} + 1`, updatedAt: now })
    .where(and(eq(noticeSubscriptions.openid, openid), eq(noticeSubscriptions.templateId, templateId)))
}

export async function userIdForOpenid(db: AppDb, openid: string): Promise<number | null> {
  return (await userIdOfOpenid(db, openid)) ?? null
}

/** Stores an incoming message once (WeChat retries a push): false when its MsgId was already stored. */
export async function insertConversationMessage(
  db: AppDb,
  values: { openid: string; userId: number | null; direction: 'in' | 'out' | 'auto'; content: string; wechatMsgId?: string | null; staffId?: number | null },
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insert(conversationMessages)
    .values({ ...values, wechatMsgId: values.wechatMsgId ?? null, staffId: values.staffId ?? null, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: conversationMessages.id })
  return rows.length > 0
}

/** Conversations, latest first: one row per openid with its last message. */
export async function listConversations(db: AppDb, limit: number, offset: number) {
  const result = await db.execute(sql`
    select distinct on (m.openid) m.openid, m.user_id, m.content, m.direction, m.created_at,
      (select max(i.created_at) from conversation_messages i where i.openid = m.openid and i.direction = 'in') as last_in_at
    from conversation_messages m
    order by m.openid, m.created_at desc, m.id desc`)
  const rows = rowsOf(result)
  return rows
    .map((r) => ({
      openid: String(r.openid),
      userId: r.user_id === null ? null : Number(r.user_id),
      lastContent: String(r.content),
      lastDirection: String(r.direction),
      lastAt: new Date(String(r.created_at)),
      lastInAt: r.last_in_at === null ? null : new Date(String(r.last_in_at)),
    }))
    .sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime())
    .slice(offset, offset + limit)
}

export async function listMessages(db: AppDb, openid: string) {
  return db.select().from(conversationMessages).where(eq(conversationMessages.openid, openid)).orderBy(conversationMessages.createdAt, conversationMessages.id)
}

/** Records a push as handled; false when it was handled before (a WeChat retry). */
export async function firstReceipt(db: AppDb, key: string, now: Date): Promise<boolean> {
  const rows = await db.insert(wechatPushReceipts).values({ key, receivedAt: now }).onConflictDoNothing().returning({ key: wechatPushReceipts.key })
  return rows.length > 0
}

/** The learner's plans for the staff view: title, year, completed or not (owners' read models). */
export async function plansOf(db: AppDb, userId: number) {
  const enrolled = await activeEnrollments(db, userId)
  const titles = await projectSummaries(db, enrolled.map((e) => e.projectId))
  return enrolled
    .map((e) => ({ title: titles.get(e.projectId)?.title ?? '', year: titles.get(e.projectId)?.year ?? 0, completedAt: e.completedAt }))
    .sort((a, b) => a.year - b.year)
}

export interface ReminderCandidate {
  userId: number
  projectId: number
  title: string
  requiredHours: number
  doneHours: number
}

/**
 * The deadline reminder's next batch (learner id > `after`): active, not completed enrolments in
 * plans of `year`, of learners bound to an openid, with an unused 订阅通知 consent for `templateId`
 * (null: no consent needed) and no reminder queued since `notSince`. One statement across owners,
 * read-only, for 200,000 learners a day (docs/architecture.md, "Table owners", exception 4).
 */
export async function reminderCandidates(
  db: AppDb,
  q: { after: number; year: number; templateId: string | null; notSince: Date; limit: number },
): Promise<ReminderCandidate[]> {
  const rows = rowsOf(
    await db.execute(sql`
      select e.user_id, p.id as project_id, p.title, p.required_hours,
        coalesce((select sum(c.hours) from course_completions c where c.user_id = e.user_id and c.project_id = p.id), 0) as done
      from enrollments e
      join projects p on p.id = e.project_id
      join wechat_bindings b on b.user_id = e.user_id
      where e.user_id > ${q.after} and e.status = 'active' and e.completed_at is null and p.year = ${q.year}
        and (${q.templateId === null} or exists (select 1 from notice_subscriptions s
              where s.openid = b.openid and s.template_id = ${q.templateId ?? ''} and s.remaining > 0 and not s.rejected))
        and not exists (select 1 from notice_outbox o
              where o.user_id = e.user_id and o.kind = 'deadline_reminder' and o.created_at > ${q.notSince.toISOString()}::timestamptz)
      order by e.user_id, p.id
      limit ${q.limit}`),
  )
  return rows.map((r) => ({ userId: Number(r.user_id), projectId: Number(r.project_id), title: String(r.title), requiredHours: Number(r.required_hours), doneHours: Number(r.done) }))
}
