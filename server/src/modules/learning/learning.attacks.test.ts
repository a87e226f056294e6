import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import {
  answerIndexOf,
  enrolledLearner,
  openSession,
  publicPlan,
  sendAnswer,
  sendReport,
  totalCreditedMs,
} from '../../../test/learning-helpers.ts'
import { MAX_OPENS_PER_WINDOW, OPEN_WINDOW_MS } from './playback.rules.ts'
import { processReportBatch } from './report-batch.service.ts'

// Cheat scripts against the listening server (LRN-4, LRN-5; docs/learning.md). With
// TEST_DATABASE_URL the database is PostgreSQL and the parallel requests are really parallel. The
// server's clock is the test clock: it moves only when a test moves it, so "credited ≤ time
// passed" is exact.

let t: TestApp
let plan: Awaited<ReturnType<typeof publicPlan>>
const chapterIds = () => plan.outline.flatMap((c) => c.chapters.map((ch) => ch.id))

beforeAll(async () => {
  t = await buildTestApp()
  plan = await publicPlan(t)
})
afterAll(async () => t.close())

describe('credit is bounded per learner, not per session (LRN-4)', () => {
  it('session churn: a fresh session per report earns no more than the time that passed, and opens are rate-limited', async () => {
    const learner = await enrolledLearner(t, plan.projectId)
    const started = t.clock.now.getTime()
    const statuses: number[] = []
    for (const [i, chapterId] of chapterIds().slice(0, MAX_OPENS_PER_WINDOW + 3).entries()) {
      const opened = await openSession(t, learner, chapterId)
      statuses.push(opened.status)
      if (opened.status !== 201) continue
      t.clock.advance(40)
      const ack = await sendReport(t, learner, opened.body.sessionId, { seq: 1, positionSeconds: 1.5, clientElapsedMs: 1_500 })
      expect(ack.status, `report ${i}`).toBe(200)
      expect(ack.body.creditedNow).toBeLessThanOrEqual(0.04)
    }
    expect(statuses.slice(0, MAX_OPENS_PER_WINDOW)).toEqual(Array(MAX_OPENS_PER_WINDOW).fill(201))
    expect(statuses.slice(MAX_OPENS_PER_WINDOW)).toEqual([429, 429, 429])
    expect(await totalCreditedMs(t, learner.userId)).toBeLessThanOrEqual(t.clock.now.getTime() - started)

    const refused = await openSession(t, learner, chapterIds()[0] as number)
    expect(refused.body).toMatchObject({ code: 'PLAYBACK_OPENED_TOO_OFTEN', message: '打开视频过于频繁，请稍等一分钟后再试' })
    t.clock.advance(OPEN_WINDOW_MS)
    expect((await openSession(t, learner, chapterIds()[0] as number)).status).toBe(201)
  })

  it('50 parallel reports on one session credit no more than the time that passed', async () => {
    const learner = await enrolledLearner(t, plan.projectId)
    const opened = await openSession(t, learner, chapterIds()[0] as number)
    const started = t.clock.now.getTime()
    t.clock.advance(40)
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sendReport(t, learner, opened.body.sessionId, { seq: i + 1, positionSeconds: 1.5, clientElapsedMs: 1_500 })),
    )
    expect(burst.every((r) => r.status === 200)).toBe(true)
    expect(await totalCreditedMs(t, learner.userId)).toBeLessThanOrEqual(40)

    // Ten seconds later, 50 more with positions spread over a minute: still only what passed.
    t.clock.advance(10_000)
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sendReport(t, learner, opened.body.sessionId, { seq: 51 + i, positionSeconds: 1.5 + (i + 1) * 1.2, clientElapsedMs: 1_500 + (i + 1) * 1_200 }),
      ),
    )
    expect(await totalCreditedMs(t, learner.userId)).toBeLessThanOrEqual(t.clock.now.getTime() - started)
  })

  it('many devices and chapters at once: reports on sessions of several chapters share one clock', async () => {
    const learner = await enrolledLearner(t, plan.projectId)
    const started = t.clock.now.getTime()
    const [a, b] = chapterIds()
    const first = await openSession(t, learner, a as number)
    t.clock.advance(5_000)
    const second = await openSession(t, learner, b as number)
    t.clock.advance(5_000)
    const results = await Promise.all([
      sendReport(t, learner, first.body.sessionId, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 }),
      sendReport(t, learner, second.body.sessionId, { seq: 1, positionSeconds: 5, clientElapsedMs: 5_000 }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    expect(await totalCreditedMs(t, learner.userId)).toBeLessThanOrEqual(t.clock.now.getTime() - started)
  })

  it('a page clock running ahead of the server earns nothing extra', async () => {
    const learner = await enrolledLearner(t, plan.projectId)
    const opened = await openSession(t, learner, chapterIds()[1] as number)
    t.clock.advance(10_000)
    // The page claims ten minutes passed in ten seconds, in steps of 50 s.
    for (let seq = 1; seq <= 12; seq += 1) await sendReport(t, learner, opened.body.sessionId, { seq, positionSeconds: seq * 50, clientElapsedMs: seq * 50_000 })
    expect(await totalCreditedMs(t, learner.userId)).toBeLessThanOrEqual(10_000)
  })

  it('10 parallel opens by one learner: each a clean answer, one active session left, never a 500', async () => {
    const learner = await enrolledLearner(t, plan.projectId)
    const opens = await Promise.all(Array.from({ length: 10 }, () => openSession(t, learner, chapterIds()[2] as number)))
    for (const open of opens) expect([201, 409, 429]).toContain(open.status)
    const active = await t.database.db.execute(sql`select count(*)::int as n from playback_sessions where user_id = ${learner.userId} and status = 'active'`)
    const rows = (Array.isArray(active) ? active : (active as { rows: unknown[] }).rows) as Array<{ n: number }>
    expect(Number(rows[0]?.n)).toBe(1)
    t.clock.advance(10_000)
    const reports = await Promise.all(
      opens.filter((o) => o.status === 201).map((o) => sendReport(t, learner, o.body.sessionId, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 })),
    )
    expect(reports.filter((r) => r.status === 200)).toHaveLength(1)
    expect(reports.filter((r) => r.status === 409).every((r) => r.body.code === 'PLAYBACK_SUPERSEDED')).toBe(true)
  })
})

describe('bad values are refused at the edge and never hurt anyone else', () => {
  const bad: Array<[string, string]> = [
    ['seq ≥ 2³¹', '{"seq":2147483648,"positionSeconds":1,"clientElapsedMs":1000,"playing":true}'],
    ['seq 1e300', '{"seq":1e300,"positionSeconds":1,"clientElapsedMs":1000,"playing":true}'],
    ['position ≥ 2.1 million s', '{"seq":1,"positionSeconds":2200000,"clientElapsedMs":1000,"playing":true}'],
    ['position 1e300', '{"seq":1,"positionSeconds":1e300,"clientElapsedMs":1000,"playing":true}'],
    ['clientElapsedMs ≥ 2³¹', '{"seq":1,"positionSeconds":1,"clientElapsedMs":2147483648,"playing":true}'],
    ['negative position', '{"seq":1,"positionSeconds":-5,"clientElapsedMs":1000,"playing":true}'],
    ['NaN', '{"seq":1,"positionSeconds":NaN,"clientElapsedMs":1000,"playing":true}'],
    ['a string', '{"seq":1,"positionSeconds":"lots","clientElapsedMs":1000,"playing":true}'],
    ['a fractional seq', '{"seq":1.5,"positionSeconds":1,"clientElapsedMs":1000,"playing":true}'],
  ]

  it('answers 400 VALIDATION_FAILED to each, while honest reports sent at the same instant are all credited', async () => {
    const cheat = await enrolledLearner(t, plan.projectId)
    const cheatSession = await openSession(t, cheat, chapterIds()[3] as number)
    const honest = await Promise.all(Array.from({ length: 4 }, () => enrolledLearner(t, plan.projectId)))
    const honestSessions = await Promise.all(honest.map((h, i) => openSession(t, h, chapterIds()[4 + i] as number)))
    t.clock.advance(10_000)
    const [bads, goods] = await Promise.all([
      Promise.all(bad.map(([, body]) => sendReport(t, cheat, cheatSession.body.sessionId, body))),
      Promise.all(honest.map((h, i) => sendReport(t, h, honestSessions[i]?.body.sessionId as string, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 }))),
    ])
    for (const [i, res] of bads.entries()) {
      expect(res.status, bad[i]?.[0]).toBe(400)
      expect(res.body.code, bad[i]?.[0]).toBe('VALIDATION_FAILED')
    }
    for (const res of goods) expect(res).toMatchObject({ status: 200, body: { creditedNow: 10 } })
  })

  it('refuses out-of-range ids in session opens and answers', async () => {
    const learner = await enrolledLearner(t, plan.projectId)
    expect((await openSession(t, learner, 2 ** 31)).status).toBe(400)
    expect((await openSession(t, learner, 99_999_999_999)).status).toBe(400)
    expect((await sendAnswer(t, learner, 2 ** 31, 0)).status).toBe(400)
  })

  it('a report that fails inside a batch fails alone: the rest of the batch is retried and credited', async () => {
    const learners = await Promise.all(Array.from({ length: 3 }, () => enrolledLearner(t, plan.projectId)))
    const sessions = await Promise.all(learners.map((l, i) => openSession(t, l, chapterIds()[i] as number)))
    t.clock.advance(10_000)
    const claims = (l: (typeof learners)[number]) => JSON.parse(Buffer.from(l.accessToken.split('.')[1] as string, 'base64url').toString()) as { sid: string; sv: number }
    const items = learners.map((l, i) => ({
      userId: l.userId,
      authSessionId: claims(l).sid,
      authSessionVersion: claims(l).sv,
      sessionId: sessions[i]?.body.sessionId as string,
      body: { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000, playing: true },
      now: t.clock.now,
    }))
    // A sign-in session id that is not a uuid makes the batch's SQL fail (no route can send one).
    const poisoned = { ...items[1], authSessionId: 'not-a-uuid' } as (typeof items)[number]
    const results = await processReportBatch(t.database.pipelined, [items[0], poisoned, items[2]] as typeof items)
    expect(results[1]).toBeInstanceOf(Error)
    expect(results[0]).toMatchObject({ creditedNow: 10 })
    expect(results[2]).toMatchObject({ creditedNow: 10 })
    expect(await totalCreditedMs(t, learners[1]?.userId as number)).toBe(0)
  })
})

describe('guessing costs more than watching (LRN-5, docs/learning.md)', () => {
  let q: TestApp
  beforeAll(async () => {
    q = await buildTestApp({ antiIdle: { minSeconds: 10, maxSeconds: 10 } })
  })
  afterAll(async () => q.close())

  it('three wrong answers in a row take the chapter back to where it stood at the last right answer', async () => {
    const { projectId, outline } = await publicPlan(q)
    const learner = await enrolledLearner(q, projectId)
    const chapter = outline[0]?.chapters[3] ?? outline[0]?.chapters[0]
    const opened = await openSession(q, learner, chapter?.id as number)
    const session = opened.body.sessionId
    let seq = 0
    const play = async (toSeconds: number, clientMs: number) => {
      q.clock.advance(10_000)
      return (await sendReport(q, learner, session, { seq: ++seq, positionSeconds: toSeconds, clientElapsedMs: clientMs })).body
    }

    // 10 s watched: a question; answered right after two wrong answers (no withdrawal yet).
    const first = await play(10, 10_000)
    expect(first.question).not.toBeNull()
    let questionId = first.question?.id as number
    for (const expected of [1, 2]) {
      q.clock.advance(2_500)
      const wrong = await sendAnswer(q, learner, questionId, (await answerIndexOf(q, questionId)).wrong)
      expect(wrong.body).toMatchObject({ correct: false, wrongInARow: expected, withdrawn: null })
      questionId = wrong.body.question?.id as number
    }
    q.clock.advance(2_500)
    expect((await sendAnswer(q, learner, questionId, (await answerIndexOf(q, questionId)).right)).body.correct).toBe(true)

    // 10 s more (to 20 s): the next question; three wrong answers take back the 10 s since the right answer.
    const second = await play(20, 27_500)
    expect(second).toMatchObject({ creditedNow: 10, chapter: { creditedSeconds: 20 } })
    questionId = second.question?.id as number
    let last
    for (let i = 0; i < 3; i += 1) {
      q.clock.advance(2_500)
      last = await sendAnswer(q, learner, questionId, (await answerIndexOf(q, questionId)).wrong)
      questionId = last.body.question?.id as number
    }
    expect(last?.body).toMatchObject({ correct: false, wrongInARow: 0, withdrawn: { resumeAtSeconds: 10, creditedSeconds: 10 } })
    expect(await totalCreditedMs(q, learner.userId)).toBe(10_000)

    // After a right answer the 10 s must be watched again, in real time: time spent on the
    // questions does not count, so claiming position 20 one second later earns one second.
    q.clock.advance(2_500)
    expect((await sendAnswer(q, learner, questionId, (await answerIndexOf(q, questionId)).right)).body.correct).toBe(true)
    q.clock.advance(1_000)
    const claimed = (await sendReport(q, learner, session, { seq: ++seq, positionSeconds: 20, clientElapsedMs: 48_500 })).body
    expect(claimed).toMatchObject({ creditedNow: 1, rewindTo: 11 })
    const rewatched = await play(20, 58_500)
    expect(rewatched).toMatchObject({ creditedNow: 9, chapter: { creditedSeconds: 20 } })
  })
})
