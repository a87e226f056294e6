import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProgressAck } from '@app/shared'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { answerIndexOf, enrolledLearner, openSession, publicPlan, sendAnswer, sendReport, totalCreditedMs } from '../../../test/learning-helpers.ts'

// Property-based proof of docs/learning.md against the real server (LRN-4, LRN-5): an adversarial
// client drives random sequences of session opens, parallel and out-of-order reports, answers,
// reloads and clock skews, and is never credited more than the server's (simulated) clock moved;
// an honest client at 1× is credited exactly what it watched and completes on its first play-through.

let t: TestApp
let plan: Awaited<ReturnType<typeof publicPlan>>
beforeAll(async () => {
  // Questions every 8–12 s of credited time, as in the 24 s chapter.
  t = await buildTestApp({ antiIdle: { minSeconds: 8, maxSeconds: 12 } })
  plan = await publicPlan(t)
})
afterAll(async () => t.close())

const clientMs = fc.oneof(
  fc.constant('honest' as const),
  fc.integer({ min: -60_000, max: 60_000 }).map((skew) => ({ skew })),
  fc.constantFrom(0, 604_800_000),
)
// Mostly just ahead of the furthest credited point (where a cheat gains), sometimes anywhere.
const position = fc.oneof(
  fc.record({ ahead: fc.double({ min: 0, max: 15, noNaN: true }) }),
  fc.record({ ahead: fc.double({ min: -30, max: 90, noNaN: true }) }),
  fc.double({ min: 0, max: 86_400, noNaN: true }).map((at) => ({ at })),
)
const seq = fc.oneof(fc.constant('next' as const), fc.constant('replay' as const), fc.integer({ min: 1, max: 1_000_000 }))
// Mostly the newest session (index 0), sometimes an older, superseded one.
const report = fc.record({ session: fc.oneof(fc.constant(0), fc.nat(5)), seq, position, clientMs })
type ReportAction = typeof report extends fc.Arbitrary<infer R> ? R : never

const action = fc.oneof(
  fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 15_000 })) }),
  fc.record({ kind: fc.constant('open' as const), chapter: fc.nat(2) }),
  // Session churn: a report on a session the moment it opened.
  fc.record({ kind: fc.constant('churn' as const), chapter: fc.nat(2), report }),
  fc.record({ kind: fc.constant('report' as const), report }),
  fc.record({ kind: fc.constant('burst' as const), reports: fc.array(report, { minLength: 2, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('answer' as const), right: fc.boolean(), index: fc.nat(5) }),
)

describe('an adversarial client is never credited more than the server clock moved', () => {
  it('holds for random sequences of opens, bursts, replays, skewed clocks and answers', { timeout: 400_000 }, async () => {
    const chapters = plan.outline.flatMap((c) => c.chapters).slice(0, 3)
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 25 }), async (actions) => {
        const learner = await enrolledLearner(t, plan.projectId)
        const startedAt = t.clock.now.getTime()
        const sessions: Array<{ id: string; openedAt: number; seq: number; furthest: number }> = []
        let question: number | null = null
        const note = (ack: ProgressAck | undefined) => {
          if (ack?.question) question = ack.question.id
        }
        const send = async (r: ReportAction) => {
          const s = sessions[r.session % Math.max(1, sessions.length)]
          if (!s) return
          const honestMs = t.clock.now.getTime() - s.openedAt
          const seqNo = r.seq === 'next' ? ++s.seq : r.seq === 'replay' ? Math.max(1, s.seq) : r.seq
          const at = 'ahead' in r.position ? Math.max(0, s.furthest + r.position.ahead) : r.position.at
          const elapsed = r.clientMs === 'honest' ? honestMs : typeof r.clientMs === 'number' ? r.clientMs : Math.max(0, honestMs + r.clientMs.skew)
          const res = await sendReport(t, learner, s.id, { seq: seqNo, positionSeconds: Math.min(at, 86_400), clientElapsedMs: Math.round(elapsed) })
          expect([200, 409]).toContain(res.status)
          if (res.status === 200) {
            s.furthest = Math.max(s.furthest, res.body.chapter.resumeAtSeconds)
            note(res.body)
          }
        }
        for (const a of actions) {
          if (a.kind === 'wait') t.clock.advance(a.ms)
          else if (a.kind === 'open' || a.kind === 'churn') {
            const opened = await openSession(t, learner, chapters[a.chapter]?.id as number)
            expect([201, 429]).toContain(opened.status)
            if (opened.status === 201) {
              sessions.unshift({ id: opened.body.sessionId, openedAt: t.clock.now.getTime(), seq: 0, furthest: opened.body.chapter.resumeAtSeconds })
              if (opened.body.question) question = opened.body.question.id
            }
            if (a.kind === 'churn') await send({ ...a.report, session: 0 })
          } else if (a.kind === 'report') await send(a.report)
          else if (a.kind === 'burst') await Promise.all(a.reports.map(send))
          else if (question !== null) {
            const { right, wrong } = await answerIndexOf(t, question)
            const res = await sendAnswer(t, learner, question, a.right ? right : wrong + (a.index % 2))
            expect([200, 400, 409, 429]).toContain(res.status)
            if (res.status === 200) question = res.body.question?.id ?? null
          }
          expect(await totalCreditedMs(t, learner.userId)).toBeLessThanOrEqual(t.clock.now.getTime() - startedAt)
        }
      }),
      {
        numRuns: 25,
        // The churn pattern, always tried: open, report 1.5 s at once, open again …
        examples: [
          [
            [
              { kind: 'open', chapter: 0 },
              { kind: 'report', report: { session: 0, seq: 'next', position: { ahead: 1.5 }, clientMs: { skew: 1_500 } } },
              { kind: 'wait', ms: 40 },
              { kind: 'open', chapter: 1 },
              { kind: 'report', report: { session: 0, seq: 'next', position: { ahead: 1.5 }, clientMs: { skew: 1_500 } } },
            ],
          ],
        ],
      },
    )
  })
})

describe('an honest client at 1× is credited every second it watched', () => {
  it('plays a 24 s chapter with questions every 8–12 s to completion in one play-through', { timeout: 400_000 }, async () => {
    const chapter = plan.outline.flatMap((c) => c.chapters).find((c) => c.durationSeconds === 24)
    if (!chapter) throw new Error('no 24 s chapter in the demo content')
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          latencyMs: fc.integer({ min: 5, max: 800 }),
          startDelayMs: fc.integer({ min: 0, max: 5_000 }),
          intervals: fc.array(fc.integer({ min: 8_000, max: 12_000 }), { minLength: 10, maxLength: 10 }),
          answerDelaysMs: fc.array(fc.integer({ min: 2_100, max: 8_000 }), { minLength: 10, maxLength: 10 }),
          wrongFirst: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        }),
        async ({ latencyMs, startDelayMs, intervals, answerDelaysMs, wrongFirst }) => {
          const learner = await enrolledLearner(t, plan.projectId)
          const opened = await openSession(t, learner, chapter.id)
          // The page's clock starts when the answer arrives: it lags the server's.
          const pageStartedAt = t.clock.now.getTime() + latencyMs
          t.clock.advance(latencyMs + startDelayMs)
          let position = 0
          let seq = 0
          let questions = 0
          let ack: ProgressAck | undefined
          // Plays to the video's end, as the player does (the chapter counts 3 s before it).
          for (let step = 0; step < 20 && position < chapter.durationSeconds; step += 1) {
            // Plays at 1× until the next report (or the end of the video), then the report travels.
            const played = Math.min(intervals[step % 10] as number, (chapter.durationSeconds - position) * 1000)
            t.clock.advance(played)
            position += played / 1000
            const sentAt = t.clock.now.getTime()
            t.clock.advance(latencyMs)
            ack = (await sendReport(t, learner, opened.body.sessionId, { seq: ++seq, positionSeconds: position, clientElapsedMs: sentAt - pageStartedAt })).body
            expect(ack.rewindTo, 'an honest player is never sent back').toBeNull()
            if (ack.question) {
              expect(ack.chapter.completed, 'no question over a completed chapter').toBe(false)
              let id = ack.question.id
              // The player pauses for the question and says so.
              ack = (await sendReport(t, learner, opened.body.sessionId, { seq: ++seq, positionSeconds: position, clientElapsedMs: t.clock.now.getTime() - pageStartedAt, playing: false })).body
              if (wrongFirst[questions]) {
                t.clock.advance(answerDelaysMs[questions] as number)
                id = (await sendAnswer(t, learner, id, (await answerIndexOf(t, id)).wrong)).body.question?.id as number
              }
              t.clock.advance(answerDelaysMs[questions] as number)
              expect((await sendAnswer(t, learner, id, (await answerIndexOf(t, id)).right)).body.correct).toBe(true)
              questions += 1
            }
          }
          expect(ack?.chapter).toMatchObject({ completed: true, creditedSeconds: chapter.durationSeconds, resumeAtSeconds: chapter.durationSeconds })
          expect(await totalCreditedMs(t, learner.userId)).toBe(chapter.durationSeconds * 1000)
        },
      ),
      { numRuns: 12 },
    )
  })
})
