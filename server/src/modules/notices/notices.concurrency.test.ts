import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestApp } from '../../../test/app.ts'
import { insertLearners } from '../../../test/group-helpers.ts'
import { wechatBindings } from '../../db/schema.ts'
import { defaultNoticesConfig } from './notices.config.ts'
import { insertNotices } from './notices.repository.ts'
import { fitData } from './notices.rules.ts'
import { sendPass, type SendDeps } from './send.job.ts'

// Races (run on PostgreSQL with TEST_DATABASE_URL; PGlite runs one statement at a time): several
// senders, as several server instances would run them, draining one outbox at the same moment.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

describe('two senders at once', () => {
  it('sends each of 60 notices exactly once: every request to WeChat is counted, not only what its de-duplication let through', async () => {
    const learners = await insertLearners(t.database.db, 60)
    const openids = learners.map((l) => `o_race_${l.id}`)
    await t.database.db.insert(wechatBindings).values(learners.map((l, i) => ({ appId: t.wechat.appId, openid: openids[i] as string, userId: l.id })))
    openids.forEach((o) => t.simulator.messages.follows.add(o))
    const data = fitData({ thing1: '您的登录密码已由工作人员重置', time2: '2026年12月5日 10:00', thing3: '如非本人申请，请联系客服' })
    await insertNotices(t.database.db, learners.map((l) => ({ eventKey: 'race:1', userId: l.id, kind: 'password_reset' as const, data, path: '/me' })), t.clock.now)

    const requests = new Map<string, number>()
    const countingFetch: typeof fetch = async (input, init) => {
      if (String(input).includes('/message/template/send')) {
        const touser = (JSON.parse(String(init?.body)) as { touser: string }).touser
        requests.set(touser, (requests.get(touser) ?? 0) + 1)
      }
      return fetch(input, init)
    }
    const config = { ...defaultNoticesConfig(), batchSize: 7 }
    const deps: SendDeps = { db: t.database.db, wechat: t.wechat, config, now: () => t.clock.now, publicBaseUrl: t.baseUrl, sleep: async () => {}, call: { fetch: countingFetch } }
    const sender = async () => {
      let sent = 0
      for (;;) {
        const r = await sendPass(deps)
        sent += r.sent
        if (r.sent + r.dropped + r.retried === 0) return sent
      }
    }
    const [a, b, c] = await Promise.all([sender(), sender(), sender()])
    expect((a ?? 0) + (b ?? 0) + (c ?? 0)).toBe(60)
    expect([...requests.values()].every((n) => n === 1)).toBe(true)
    expect(requests.size).toBe(60)
    expect(t.simulator.messages.delivered.filter((d) => d.openid.startsWith('o_race_'))).toHaveLength(60)
  })
})
