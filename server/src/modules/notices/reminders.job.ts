import { sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import type { NoticesConfig } from './notices.config.ts'
import { insertNotices, type NewNotice } from './notices.repository.ts'
import { dueReminderStage, fitData, formatHours, formatTime } from './notices.rules.ts'

/**
 * Deadline reminders (docs/wechat-protocol.md §8.2, §8.5): learners who bought the deadline year's
 * plan and have not completed it get a reminder at each configured point before the deadline (e.g.
 * 30, 14 and 3 days), saying how many 学时 remain and how to stop them. Never more than one a week
 * per learner; none for completed plans; through 订阅通知 only to learners with an unused
 * subscription (consent from WeChat's server event). The run works in batches by learner id with the
 * clock passed in; each reminder is keyed by (deadline, stage, learner), so a rerun queues nothing twice.
 */

export interface ReminderDeps {
  db: AppDb
  config: NoticesConfig
}

/** The deadline moment: the end of the configured day in China time. */
export function deadlineMoment(deadline: string): Date {
  return new Date(new Date(`${deadline}T00:00:00+08:00`).getTime() + 86_400_000 - 1000)
}

const WEEK_MS = 7 * 86_400_000

/** Queues the reminders due at `now`; returns how many were queued. */
export async function runReminders(deps: ReminderDeps, now: Date, batchSize = 2000): Promise<number> {
  const { deadline, daysBefore } = deps.config.reminders
  if (deadline === null) return 0
  const end = deadlineMoment(deadline)
  const stage = dueReminderStage(end, daysBefore, now)
  if (stage === null) return 0
  const year = Number(deadline.slice(0, 4))
  const template = deps.config.templates.deadline_reminder
  const needsConsent = template.channel === 'subscribe'
  const weekAgo = new Date(now.getTime() - WEEK_MS).toISOString()
  const eventKey = `reminder:${deadline}:${stage}`
  let after = 0
  let queued = 0
  for (;;) {
    const rows = rowsOf(
      await deps.db.execute(sql`
        select e.user_id, p.id as project_id, p.title, p.required_hours,
          coalesce((select sum(c.hours) from course_completions c where c.user_id = e.user_id and c.project_id = p.id), 0) as done
        from enrollments e
        join projects p on p.id = e.project_id
        join wechat_bindings b on b.user_id = e.user_id
        where e.user_id > ${after} and e.status = 'active' and e.completed_at is null and p.year = ${year}
          and (${!needsConsent} or exists (select 1 from notice_subscriptions s
                where s.openid = b.openid and s.template_id = ${template.templateId} and s.remaining > 0 and not s.rejected))
          and not exists (select 1 from notice_outbox o
                where o.user_id = e.user_id and o.kind = 'deadline_reminder' and o.created_at > ${weekAgo}::timestamptz)
        order by e.user_id, p.id
        limit ${batchSize}`),
    )
    if (rows.length === 0) break
    const notices: NewNotice[] = []
    const seen = new Set<number>()
    for (const row of rows) {
      const userId = Number(row.user_id)
      after = userId
      if (seen.has(userId)) continue
      seen.add(userId)
      const remaining = Number(row.required_hours) - Number(row.done)
      if (remaining <= 0) continue
      notices.push({
        eventKey,
        userId,
        kind: 'deadline_reminder',
        path: `/training/${Number(row.project_id)}`,
        data: fitData({ thing1: String(row.title), number2: formatHours(remaining), time3: formatTime(end), thing4: '不想再收到可在服务通知设置中关闭' }),
      })
    }
    queued += await insertNotices(deps.db, notices, now)
    if (rows.length < batchSize) break
  }
  return queued
}
