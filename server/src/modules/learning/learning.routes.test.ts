import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ProgressAck } from '@app/shared'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { courseOutline, enrol } from '../../../test/factories.ts'
import { watchChapter } from '../../../test/learning-helpers.ts'

let t: TestApp
let projectId: number
let outline: Awaited<ReturnType<typeof courseOutline>>
beforeAll(async () => {
  ({ t, projectId } = await buildTestAppWithProject())
  outline = await courseOutline(t.database.db, projectId)
})
afterAll(async () => t.close())

async function enrolledLearner(): Promise<Registered> {
  const learner = await registerLearner(t.app)
  await enrol(t.database.db, learner.userId, projectId)
  return learner
}

/** A new enrolled learner with a session open on the first chapter of the plan's course at `courseIndex`. */
async function playing(courseIndex: number) {
  const learner = await enrolledLearner()
  const chapter = outline[courseIndex]?.chapters[0] as { id: number; durationSeconds: number }
  const { sessionId } = await open(learner, chapter.id)
  return { learner, chapter, sessionId }
}

async function open(learner: Registered, chapterId: number) {
  const res = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${chapterId}/sessions`, headers: bearer(learner.accessToken) })
  expect(res.statusCode).toBe(201)
  return res.json() as { sessionId: string; chapter: { resumeAtSeconds: number }; question: unknown }
}

function report(learner: Registered, sessionId: string, body: { seq: number; positionSeconds: number; clientElapsedMs: number; playing?: boolean }) {
  return t.app.inject({
    method: 'POST',
    url: `/api/learning/sessions/${sessionId}/reports`,
    headers: bearer(learner.accessToken),
    payload: { playing: true, ...body },
  })
}

async function plans(learner: Registered) {
  return (await t.app.inject({ method: 'GET', url: '/api/learning/plans', headers: bearer(learner.accessToken) })).json().plans
}

describe('课程培训 and 进入学习 (LRN-1, LRN-2)', () => {
  it('lists the plan with 学分要求 and 计划完成度, and pages its courses', async () => {
    const learner = await enrolledLearner()
    const [plan] = await plans(learner)
    expect(plan).toMatchObject({ projectId, requiredHours: 30, countedHours: 0, remainingHours: 30, percent: 0, completed: false })
    const page2 = (await t.app.inject({ method: 'GET', url: `/api/learning/plans/${projectId}/courses?page=2&pageSize=5`, headers: bearer(learner.accessToken) })).json()
    expect(page2).toMatchObject({ page: 2, pageSize: 5, total: outline.length })
    expect(page2.courses).toHaveLength(5)
    expect(page2.courses[0].id).toBe(outline[5]?.courseId)
  })

  it('refuses learners who have not bought the plan', async () => {
    const learner = await registerLearner(t.app)
    const res = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${outline[0]?.chapters[0]?.id}/sessions`, headers: bearer(learner.accessToken) })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('NOT_ENROLLED')
  })
})

describe('server-verified progress (LRN-4)', () => {
  it('credits honest playback and resumes from the last credited position', async () => {
    const { learner, chapter, sessionId } = await playing(0)
    t.clock.advance(10_000)
    const ack = (await report(learner, sessionId, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 })).json()
    expect(ack.creditedNow).toBe(10)
    const reopened = await open(learner, chapter.id)
    expect(reopened.chapter.resumeAtSeconds).toBe(10)
  })

  it('gives nothing for 4× playback or a seek to the end, and sends the player back', async () => {
    const { learner, chapter, sessionId } = await playing(0)
    t.clock.advance(10_000)
    const fast = (await report(learner, sessionId, { seq: 1, positionSeconds: 40, clientElapsedMs: 10_000 })).json()
    expect(fast).toMatchObject({ creditedNow: 0, rewindTo: 0 })
    t.clock.advance(10_000)
    const seek = (await report(learner, sessionId, { seq: 2, positionSeconds: chapter.durationSeconds, clientElapsedMs: 20_000 })).json()
    expect(seek).toMatchObject({ creditedNow: 0, rewindTo: 0 })
    expect(seek.chapter.completed).toBe(false)
  })

  it('ignores forged reports that claim more time than passed, and replays earn nothing twice', async () => {
    const { learner, sessionId } = await playing(1)
    t.clock.advance(5_000)
    const forged = (await report(learner, sessionId, { seq: 1, positionSeconds: 20, clientElapsedMs: 20_000 })).json()
    expect(forged.creditedNow).toBe(0)
    t.clock.advance(15_000)
    const honest = (await report(learner, sessionId, { seq: 2, positionSeconds: 20, clientElapsedMs: 20_000 })).json()
    // only the wall-clock time the server saw counts (plus a small slack), not the forged claim
    expect(honest.creditedNow).toBeGreaterThan(0)
    expect(honest.creditedNow).toBeLessThanOrEqual(20)
    const replay = (await report(learner, sessionId, { seq: 2, positionSeconds: 20, clientElapsedMs: 20_000 })).json()
    expect(replay).toEqual(honest)
    const [progress] = (await t.app.inject({ method: 'GET', url: `/api/learning/courses/${outline[1]?.courseId}`, headers: bearer(learner.accessToken) })).json().chapters
    expect(progress.creditedSeconds).toBe(honest.chapter.creditedSeconds)
  })

  it('plays one video per account: a second tab takes over and the first is told so', async () => {
    const learner = await enrolledLearner()
    const chapter = outline[0]?.chapters[1] as { id: number }
    const first = await open(learner, chapter.id)
    await open(learner, chapter.id)
    t.clock.advance(10_000)
    const res = await report(learner, first.sessionId, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'PLAYBACK_SUPERSEDED', message: '您已在其他设备播放' })
  })

  it('credits reports resent in a burst after the network returns (LRN-7)', async () => {
    const { learner, sessionId } = await playing(2)
    t.clock.advance(22_000) // offline while the page queued two reports
    const a = (await report(learner, sessionId, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 })).json()
    const b = (await report(learner, sessionId, { seq: 2, positionSeconds: 20, clientElapsedMs: 20_000 })).json()
    expect(a.creditedNow + b.creditedNow).toBe(20)
  })

  it('keeps acknowledged progress across a server restart', async () => {
    const { learner, sessionId } = await playing(3)
    t.clock.advance(10_000)
    await report(learner, sessionId, { seq: 1, positionSeconds: 10, clientElapsedMs: 10_000 })
    const restarted = await buildTestApp({ database: t.database })
    const res = await restarted.app.inject({ method: 'GET', url: `/api/learning/courses/${outline[3]?.courseId}`, headers: bearer(learner.accessToken) })
    expect(res.json().chapters[0].creditedSeconds).toBe(10)
    await restarted.close()
  })

  it('never lets a learner report into another learner\'s session', async () => {
    const owner = await enrolledLearner()
    const other = await enrolledLearner()
    const { sessionId } = await open(owner, outline[0]?.chapters[0]?.id as number)
    const res = await report(other, sessionId, { seq: 1, positionSeconds: 1, clientElapsedMs: 1000 })
    expect(res.statusCode).toBe(404)
  })

  it('refuses a report whose access token has expired, though the same token was accepted before', async () => {
    // The report route remembers tokens it verified (plugins/verified-tokens.ts): never past their expiry.
    const { learner, sessionId } = await playing(0)
    expect((await report(learner, sessionId, { seq: 1, positionSeconds: 1, clientElapsedMs: 1000 })).statusCode).toBe(200)
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 16 * 60_000)
      const res = await report(learner, sessionId, { seq: 2, positionSeconds: 2, clientElapsedMs: 2000 })
      expect(res.statusCode).toBe(401)
      expect(res.json().message).toBe('登录已过期，请重新登录')
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('hours and plan completion (LRN-6)', () => {
  it('counts a course when all its chapters are complete, and completes the plan at 30 学时 in the same report', async () => {
    const learner = await enrolledLearner()
    const [first] = outline
    if (!first) throw new Error('no course')
    for (const [i, chapter] of first.chapters.entries()) {
      const ack = await watchChapter(t, learner, chapter)
      expect(ack?.chapter.completed).toBe(true)
      expect(ack?.courseCompleted).toBe(i === first.chapters.length - 1)
    }
    let [plan] = await plans(learner)
    expect(plan.countedHours).toBe(first.hours)
    expect(plan.percent).toBe(Math.floor((first.hours / 30) * 100))

    let last: ProgressAck | undefined
    let counted = first.hours
    for (const course of outline.slice(1)) {
      if (counted >= 30) break
      for (const chapter of course.chapters) last = await watchChapter(t, learner, chapter)
      counted += course.hours
    }
    expect(last?.planCompleted).toBe(true)
    ;[plan] = await plans(learner)
    expect(plan).toMatchObject({ completed: true, percent: 100, remainingHours: 0 })
    expect(plan.countedHours).toBeGreaterThanOrEqual(30)
  })
})

describe('防挂机 (LRN-5)', () => {
  let q: TestApp
  beforeAll(async () => {
    q = await buildTestApp({ antiIdle: { minSeconds: 5, maxSeconds: 5 } })
  })
  afterAll(async () => q.close())

  it('asks a question at an unpredictable moment, credits nothing until it is answered right, and checks answers on the server', async () => {
    const learner = await registerLearner(q.app)
    const outlineQ = await courseOutline(q.database.db, projectId)
    await enrol(q.database.db, learner.userId, projectId)
    const chapter = outlineQ[0]?.chapters[0] as { id: number }
    const opened = (await q.app.inject({ method: 'POST', url: `/api/learning/chapters/${chapter.id}/sessions`, headers: bearer(learner.accessToken) })).json()
    const send = (seq: number, position: number, elapsed: number) =>
      q.app.inject({ method: 'POST', url: `/api/learning/sessions/${opened.sessionId}/reports`, headers: bearer(learner.accessToken), payload: { seq, positionSeconds: position, clientElapsedMs: elapsed, playing: true } })
    q.clock.advance(10_000)
    const due = (await send(1, 10, 10_000)).json()
    // Every second watched is kept; the question is asked with the report after the moment it fell due.
    expect(due.creditedNow).toBe(10)
    expect(due.rewindTo).toBeNull()
    expect(due.question.options.length).toBeGreaterThan(1)
    expect(JSON.stringify(due)).not.toMatch(/answer/i)

    // An auto-clicker answering at once is refused; a wrong answer gets another question.
    const answer = (questionId: number, answerIndex: number) =>
      q.app.inject({ method: 'POST', url: '/api/learning/answers', headers: bearer(learner.accessToken), payload: { questionId, answerIndex } })
    const [question] = await q.database.db.query.questions.findMany({ where: (qs, { eq }) => eq(qs.id, due.question.id) })
    const tooFast = await answer(due.question.id, question?.answerIndex ?? 0)
    expect(tooFast.statusCode).toBe(429)
    expect(tooFast.json().code).toBe('ANSWER_TOO_FAST')

    // What the page played before the question reached it (a slow answer) is still credited…
    q.clock.advance(4_000)
    expect((await send(2, 14, 14_000)).json()).toMatchObject({ creditedNow: 4, question: { id: due.question.id } })
    // …but once the page can have shown it (one report interval), waiting earns nothing.
    q.clock.advance(8_000)
    expect((await send(3, 15, 22_000)).json()).toMatchObject({ creditedNow: 0, question: { id: due.question.id } })

    q.clock.advance(3_000)
    const wrong = (await answer(due.question.id, ((question?.answerIndex ?? 0) + 1) % due.question.options.length)).json()
    expect(wrong.correct).toBe(false)
    expect(wrong.question.id).not.toBe(due.question.id)
    // A question asked by a wrong answer is on screen at once: no window.
    q.clock.advance(2_000)
    expect((await send(4, 16, 27_000)).json()).toMatchObject({ creditedNow: 0, question: { id: wrong.question.id } })
    q.clock.advance(1_000)
    const [next] = await q.database.db.query.questions.findMany({ where: (qs, { eq }) => eq(qs.id, wrong.question.id) })
    const right = (await answer(wrong.question.id, next?.answerIndex ?? 0)).json()
    expect(right).toEqual({ correct: true, question: null, wrongInARow: 0, withdrawn: null })
    expect((await answer(wrong.question.id, next?.answerIndex ?? 0)).json().code).toBe('QUESTION_NOT_PENDING')
    // Each checked answer is kept for staff (the credited timeline); refused ones are not answers.
    const kept = await q.database.db.query.antiIdleAnswers.findMany({ where: (a, { eq }) => eq(a.userId, learner.userId), orderBy: (a, { asc }) => asc(a.id) })
    expect(kept.map((a) => [a.questionId, a.correct, a.chapterId])).toEqual([
      [due.question.id, false, chapter.id],
      [wrong.question.id, true, chapter.id],
    ])

    // Credit resumes from where it stood, in real time only (time on the question is not credit).
    q.clock.advance(4_000)
    const resumed = (await send(5, 18, 32_000)).json()
    expect(resumed).toMatchObject({ creditedNow: 4, question: null })
  })
})
