import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { insertLearners } from '../../../test/group-helpers.ts'
import { enrollments, noticeOutbox, projects, wechatBindings } from '../../db/schema.ts'
import { defaultNoticesConfig, type NoticesConfig } from './notices.config.ts'
import { recordSubscription } from './notices.repository.ts'
import { runReminders } from './reminders.job.ts'
import { sendPass } from './send.job.ts'

let t: TestApp
let projectId: number
let year: number
let requiredHours: number
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
  const [project] = await t.database.db.select().from(projects).where(eq(projects.id, projectId))
  year = project!.year
  requiredHours = Number(project!.requiredHours)
})
afterAll(async () => t.close())

const TEMPLATE = 'simSubDeadline'

function config(daysBefore: number[]): NoticesConfig {
  const c = defaultNoticesConfig()
  return { ...c, reminders: { deadline: `${year}-12-31`, daysBefore } }
}

/** A learner who bought the plan, bound to an openid; accepts `accepts` one-time subscriptions (on both sides, as WeChat would). */
async function learner(opts: { accepts?: number; refused?: boolean; completed?: boolean } = {}) {
  const [row] = await insertLearners(t.database.db, 1)
  const userId = row!.id
  const openid = `o_remind_${userId}`
  await t.database.db.insert(wechatBindings).values({ appId: t.wechat.appId, openid, userId })
  t.simulator.messages.known.add(openid)
  await enrol(t.database.db, userId, projectId, t.clock.now)
  if (opts.completed) await t.database.db.update(enrollments).set({ completedAt: t.clock.now }).where(eq(enrollments.userId, userId))
  for (let i = 0; i < (opts.accepts ?? 0); i++) {
    await recordSubscription(t.database.db, openid, TEMPLATE, 'accept', t.clock.now)
    t.simulator.messages.subscriptions.set(`${openid}|${TEMPLATE}`, (t.simulator.messages.subscriptions.get(`${openid}|${TEMPLATE}`) ?? 0) + 1)
  }
  if (opts.refused) {
    await recordSubscription(t.database.db, openid, TEMPLATE, 'reject', t.clock.now)
    t.simulator.messages.subscriptions.set(`${openid}|${TEMPLATE}`, 0)
  }
  return { userId, openid }
}

const at = (isoChina: string) => void (t.clock.now = new Date(`${isoChina}+08:00`))
const delivered = (openid: string) => t.simulator.messages.delivered.filter((d) => d.openid === openid)

async function runAndSend(c: NoticesConfig) {
  const queued = await runReminders({ db: t.database.db, config: c }, t.clock.now, 2)
  for (;;) {
    const r = await sendPass({ db: t.database.db, wechat: t.wechat, config: c, now: () => t.clock.now, publicBaseUrl: t.baseUrl, sleep: async () => {} })
    if (r.sent + r.dropped + r.retried === 0) break
  }
  return queued
}

describe('deadline reminders (30, 14, 3 days before), the clock moved across the deadline', () => {
  it('reminds a consenting learner at each point, never twice for one point; refused, completed and unconsenting learners get nothing; nothing after the deadline', async () => {
    at(`${year}-11-01T10:00:00`)
    const willing = await learner({ accepts: 3 })
    const refused = await learner({ refused: true })
    const completed = await learner({ accepts: 3, completed: true })
    const silent = await learner()
    const c = config([30, 14, 3])

    at(`${year}-11-20T10:00:00`) // before the first point
    expect(await runAndSend(c)).toBe(0)

    at(`${year}-12-02T10:00:00`) // 29 days left: the 30-day point has passed
    expect(await runAndSend(c)).toBe(1)
    expect(await runAndSend(c)).toBe(0) // run again the same day: nothing more
    const [first] = delivered(willing.openid)
    expect(first).toMatchObject({ channel: 'subscribe', templateId: TEMPLATE })
    expect(first?.data.number2).toBe(String(requiredHours))
    expect(first?.data.time3).toBe(`${year}年12月31日 23:59`)
    expect(first?.data.thing4).toContain('关闭')

    at(`${year}-12-18T10:00:00`)
    expect(await runAndSend(c)).toBe(1)
    at(`${year}-12-29T10:00:00`)
    expect(await runAndSend(c)).toBe(1)
    at(`${year + 1}-01-01T10:00:00`) // past the deadline
    expect(await runAndSend(c)).toBe(0)

    expect(delivered(willing.openid)).toHaveLength(3)
    for (const nobody of [refused, completed, silent]) {
      expect(delivered(nobody.openid)).toHaveLength(0)
      expect(await t.database.db.select().from(noticeOutbox).where(eq(noticeOutbox.userId, nobody.userId))).toHaveLength(0)
    }
  })

  it('never more than one a week, even when two points are closer than that', async () => {
    at(`${year}-12-01T10:00:00`)
    const keen = await learner({ accepts: 5 })
    const c = config([14, 10, 3])
    at(`${year}-12-18T10:00:00`) // 14-day point
    await runAndSend(c)
    at(`${year}-12-22T10:00:00`) // 10-day point, four days later: skipped
    await runAndSend(c)
    at(`${year}-12-29T10:00:00`) // 3-day point, eleven days after the first
    await runAndSend(c)
    expect(delivered(keen.openid)).toHaveLength(2)
  })

  it('a learner who refuses after accepting (subscribe_msg_change_event) gets nothing more', async () => {
    at(`${year}-12-01T10:00:00`)
    const changed = await learner({ accepts: 2 })
    await recordSubscription(t.database.db, changed.openid, TEMPLATE, 'reject', t.clock.now)
    at(`${year}-12-18T10:00:00`)
    expect(await runAndSend(config([14]))).toBe(0)
    expect(delivered(changed.openid)).toHaveLength(0)
  })
})
