import type { AppDb } from '../../db/client.ts'
import type { NoticesConfig } from './notices.config.ts'
import { insertNotices, reminderCandidates, type NewNotice } from './notices.repository.ts'
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
  const weekAgo = new Date(now.getTime() - WEEK_MS)
  const eventKey = `reminder:${deadline}:${stage}`
  let after = 0
  let queued = 0
  for (;;) {
    const rows = await reminderCandidates(deps.db, { after, year, templateId: needsConsent ? template.templateId : null, notSince: weekAgo, limit: batchSize })
    if (rows.length === 0) break
    const notices: NewNotice[] = []
    const seen = new Set<number>()
    for (const row of rows) {
      after = row.userId
      if (seen.has(row.userId)) continue
      seen.add(row.userId)
      const remaining = row.requiredHours - row.doneHours
      if (remaining <= 0) continue
      notices.push({
        eventKey,
        userId: row.userId,
        kind: 'deadline_reminder',
        path: `/training/${row.projectId}`,
        data: fitData({ thing1: row.title, number2: formatHours(remaining), time3: formatTime(end), thing4: '不想再收到可在服务通知设置中关闭' }),
      })
    }
    queued += await insertNotices(deps.db, notices, now)
    if (rows.length < batchSize) break
  }
  return queued
}
