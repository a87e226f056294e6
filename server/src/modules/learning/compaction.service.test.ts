import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import type { Registered } from '../../../test/auth-helpers.ts'
import { answerIndexOf, enrolledLearner, openSession, publicPlan, sendAnswer, sendReport } from '../../../test/learning-helpers.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { compactEndedSessions, compactSession, SESSION_ENDED_AFTER_MS, type CompactionStep } from './compaction.service.ts'
import { learnerCourseTimeline } from './learner-record.read-model.ts'
import { maintainReportPartitions } from './report-partitions.service.ts'

// Compaction keeps for good what each ended playback credited (credited_segments) before raw
// reports go with their partition (docs/learning.md, "What is kept for good"). Nothing credited may
// be lost: interrupted at any step, a session is either compacted whole or not at all, and the
// staff timeline shows the same segments before and after.

let t: TestApp
let plan: Awaited<ReturnType<typeof publicPlan>>
beforeAll(async () => {
  t = await buildTestApp({ antiIdle: { minSeconds: 8, maxSeconds: 12 } })
  plan = await publicPlan(t)
}, 180_000)
afterAll(async () => t.close())

type Chapter = { id: number; durationSeconds: number }

/**
 * Plays a chapter honestly in 3-second reports, answering each 防挂机 question (wrong once first
 * when `wrongFirst`), with a 90-second pause after `pauseAfter` reports; the session id.
 */
async function play(learner: Registered, chapter: Chapter, opts: { reports?: number; wrongFirst?: boolean; pauseAfter?: number; resume?: { sessionId: string; seq: number; openedAt: number; positionSeconds: number } } = {}) {
  let sessionId = opts.resume?.sessionId
  let position = opts.resume?.positionSeconds ?? 0
  let question: { id: number } | null = null
  let elapsed = 0
  if (!sessionId) {
    const opened = await openSession(t, learner, chapter.id)
    expect(opened.status).toBe(201)
    sessionId = opened.body.sessionId
    position = opened.body.chapter.resumeAtSeconds
    question = opened.body.question
  }
  const openedAt = opts.resume?.openedAt ?? t.clock.now.getTime()
  let seq = opts.resume?.seq ?? 0
  const reports = opts.reports ?? Math.ceil(chapter.durationSeconds / 3)
  for (let i = 0; i < reports; i++) {
    if (question) {
      if (opts.wrongFirst) {
        t.clock.advance(2_000)
        const answered = await sendAnswer(t, learner, question.id, (await answerIndexOf(t, question.id)).wrong)
        question = answered.body.question ?? question
      }
      t.clock.advance(2_000)
      const answered = await sendAnswer(t, learner, question.id, (await answerIndexOf(t, question.id)).right)
      expect(answered.body.correct).toBe(true)
      question = null
    }
    if (opts.pauseAfter === i) t.clock.advance(90_000)
    t.clock.advance(3_000)
    elapsed = t.clock.now.getTime() - openedAt
    position = Math.min(position + 3, chapter.durationSeconds)
    const ack = await sendReport(t, learner, sessionId, { seq: ++seq, positionSeconds: position, clientElapsedMs: elapsed })
    expect(ack.status).toBe(200)
    question = ack.body.question
  }
  return sessionId
}

const rows = async (query: ReturnType<typeof sql>) => rowsOf(await t.database.db.execute(query))

/** Per session: credit by its raw reports, by its kept segments, and by raw reports not compacted yet. */
async function ledger() {
  const sessions = await rows(sql`
    select s.id, s.user_id, s.chapter_id, s.compacted_seq, s.compacted_at is not null as compacted,
      (select coalesce(sum(r.credited_ms), 0)::int from progress_reports r where r.session_id = s.id) as raw_ms,
      (select coalesce(sum(r.credited_ms), 0)::int from progress_reports r where r.session_id = s.id and r.seq > s.compacted_seq) as raw_after_ms,
      (select coalesce(sum(g.credited_ms), 0)::int from credited_segments g where g.session_id = s.id) as kept_ms,
      (select count(*)::int from credited_segments g where g.session_id = s.id and g.to_seq > s.compacted_seq) as kept_beyond
    from playback_sessions s order by s.opened_at`)
  const progress = await rows(sql`select user_id, chapter_id, credited_ms from chapter_progress order by user_id, chapter_id`)
  return { sessions, progress }
}

/** Nothing credited is lost and no session is half-compacted, against the credit before compaction. */
function expectNothingLost(now: Awaited<ReturnType<typeof ledger>>, before: Awaited<ReturnType<typeof ledger>>) {
  expect(now.progress).toEqual(before.progress)
  const rawBefore = new Map(before.sessions.map((s) => [s.id, Number(s.raw_ms)]))
  for (const s of now.sessions) {
    // Every credited ms is in a kept segment or in a raw report not compacted yet, never both.
    expect(Number(s.kept_ms) + Number(s.raw_after_ms)).toBe(rawBefore.get(s.id))
    expect(Number(s.kept_beyond)).toBe(0)
  }
  const perChapter = (l: typeof now, pick: (s: (typeof now.sessions)[number]) => number) => {
    const sums = new Map<string, number>()
    for (const s of l.sessions) sums.set(`${s.user_id}:${s.chapter_id}`, (sums.get(`${s.user_id}:${s.chapter_id}`) ?? 0) + pick(s))
    return sums
  }
  expect(perChapter(now, (s) => Number(s.kept_ms) + Number(s.raw_after_ms))).toEqual(perChapter(before, (s) => Number(s.raw_ms)))
}

const timelines = async (learners: Registered[]) =>
  Promise.all(learners.flatMap((l) => plan.outline.slice(0, 2).map((c) => learnerCourseTimeline(t.database.db, l.userId, c.courseId, { page: 1, pageSize: 100 }))))

describe('the resend lookup', () => {
  it("reads only the partitions of the session's days", async () => {
    const plan = await rows(sql`explain select ack from progress_reports where session_id = '00000000-0000-0000-0000-000000000001' and seq = 1
      and received_at >= ${new Date(Date.now() - 3600_000).toISOString()}::timestamptz and received_at <= ${new Date(Date.now() + 3600_000).toISOString()}::timestamptz`)
    const text = plan.map((r) => String(Object.values(r)[0])).join('\n')
    const scanned = new Set(text.match(/progress_reports_(legacy|p\d{8})/g))
    expect(scanned.size).toBeGreaterThan(0)
    expect(scanned.size).toBeLessThanOrEqual(2)
  })
})

describe('compaction of ended playback sessions into credited segments', () => {
  let learners: Registered[] = []
  let resumed = ''
  const chapter = (course: number, i: number) => plan.outline[course]?.chapters[i] as Chapter

  it('keeps what each session credited, segment by segment, and the timeline shows the same before and after', { timeout: 300_000 }, async () => {
    learners = [await enrolledLearner(t, plan.projectId), await enrolledLearner(t, plan.projectId)]
    const [a, b] = learners as [Registered, Registered]
    await play(a, chapter(0, 0))
    await play(a, chapter(0, 1), { reports: 4, wrongFirst: true })
    await play(a, chapter(0, 1)) // a reload: a new session on the same chapter
    const paused = await play(b, chapter(0, 0), { reports: 5, pauseAfter: 3 })
    resumed = await play(b, chapter(1, 0), { reports: 4 })
    const before = await ledger()
    const timelineBefore = await timelines(learners)
    expect(before.sessions.length).toBeGreaterThanOrEqual(5)
    expect(before.sessions.every((s) => Number(s.raw_ms) > 0)).toBe(true)

    // Nothing has ended yet: the sessions reported just now.
    expect(await compactEndedSessions(t.database.db, t.clock.now, { limit: 100 })).toBe(0)
    t.clock.advance(SESSION_ENDED_AFTER_MS + 1_000)

    // Interrupted at every step, each session is left exactly as it was.
    for (const failAt of ['locked', 'read', 'segments', 'marked'] as const) {
      const step: CompactionStep = (s) => {
        if (s === failAt) throw new Error(`interrupted at ${s}`)
      }
      for (const s of before.sessions) await expect(compactSession(t.database.db, String(s.id), t.clock.now, step)).rejects.toThrow(`interrupted at ${failAt}`)
      const now = await ledger()
      expectNothingLost(now, before)
      expect(now.sessions.every((s) => !s.compacted && Number(s.kept_ms) === 0)).toBe(true)
    }

    expect(await compactEndedSessions(t.database.db, t.clock.now, { limit: 100 })).toBe(before.sessions.length)
    const after = await ledger()
    expectNothingLost(after, before)
    expect(after.sessions.every((s) => s.compacted && Number(s.raw_after_ms) === 0 && Number(s.kept_ms) === Number(s.raw_ms))).toBe(true)
    expect(await timelines(learners)).toEqual(timelineBefore)

    // The pause split B's first session in two segments; A's wrong-then-right answers are counted.
    const split = (await timelines([b]))[0]?.items.find((e) => e.kind === 'playback' && e.segments.length === 2)
    expect(split?.segments.map((s) => s.creditedMs).reduce((x, y) => x + y)).toBe(Number(before.sessions.find((s) => s.id === paused)?.raw_ms))
    const answered = (await timelines([a])).flatMap((tl) => tl.items.flatMap((e) => e.segments))
    expect(answered.reduce((n, s) => n + s.answeredWrong, 0)).toBeGreaterThan(0)
    expect(answered.reduce((n, s) => n + s.answeredRight, 0)).toBeGreaterThan(0)
    expect(answered.reduce((n, s) => n + s.questionsAsked, 0)).toBeGreaterThan(0)

    // Rerun: nothing more to do, nothing written twice.
    expect(await compactEndedSessions(t.database.db, t.clock.now, { limit: 100 })).toBe(0)
    expect(await compactSession(t.database.db, resumed, t.clock.now)).toBe(false)
    expect(await ledger()).toEqual(after)
  })

  it('compacts a session again from where it stopped when it reports after a pause', { timeout: 120_000 }, async () => {
    const b = learners[1] as Registered
    const [seqRow] = await rows(sql`select s.last_seq, extract(epoch from s.opened_at) * 1000 as opened_ms, p.furthest_ms from playback_sessions s
      join chapter_progress p on p.user_id = s.user_id and p.chapter_id = s.chapter_id where s.id = ${resumed}`)
    const { sessions } = await ledger()
    // The page comes back to the same session (B had not reached the chapter's end).
    const timelineBefore = await timelines([b])
    await play(b, chapter(1, 0), { resume: { sessionId: resumed, seq: Number(seqRow?.last_seq), openedAt: Number(seqRow?.opened_ms), positionSeconds: Number(seqRow?.furthest_ms) / 1000 }, reports: 2 })
    const reopened = await ledger()
    const session = reopened.sessions.find((s) => s.id === resumed)
    expect(session).toMatchObject({ compacted: false })
    expect(Number(session?.raw_after_ms)).toBeGreaterThan(0)
    // The timeline shows the kept segments and, from raw reports, the new ones.
    const shown = (await timelines([b])).flatMap((tl) => tl.items).find((e) => e.kind === 'playback' && e.segments.some((s) => s.fromSeq > Number(seqRow?.last_seq)))
    expect(shown).toBeDefined()
    expect(timelineBefore).not.toEqual(await timelines([b]))
    const timelineReopened = await timelines([b])

    t.clock.advance(SESSION_ENDED_AFTER_MS + 1_000)
    expect(await compactEndedSessions(t.database.db, t.clock.now, { limit: 100 })).toBe(1)
    const after = await ledger()
    expectNothingLost(after, reopened)
    expect(after.sessions.length).toBe(sessions.length)
    expect(await timelines([b])).toEqual(timelineReopened)
  })

  it('drops a partition past the retention only once every session with rows in it is compacted', { timeout: 120_000 }, async () => {
    const a = learners[0] as Registered
    await play(a, chapter(1, 1), { reports: 3 })
    const before = await ledger()
    const timelineBefore = await timelines(learners)
    const concurrently = t.database.kind === 'postgres'
    const later = new Date(t.clock.now.getTime() + 40 * 86_400_000)

    // The new session has not been compacted: the partitions holding its rows wait.
    const waiting = await maintainReportPartitions(t.database.db, later, { retentionDays: 35, concurrently })
    expect(waiting.waiting.length).toBeGreaterThan(0)
    expect(waiting.created.length).toBeGreaterThanOrEqual(7)
    expect(waiting.aheadDays).toBeGreaterThanOrEqual(7)
    const [stillThere] = await rows(sql`select count(*)::int as n from progress_reports`)
    expect(Number(stillThere?.n)).toBeGreaterThan(0)

    expect(await compactEndedSessions(t.database.db, later, { limit: 100 })).toBe(1)
    const round = await maintainReportPartitions(t.database.db, later, { retentionDays: 35, concurrently })
    expect(round.waiting).toEqual([])
    expect(round.dropped).toContain('progress_reports_legacy')
    const [gone] = await rows(sql`select count(*)::int as n from progress_reports`)
    expect(Number(gone?.n)).toBe(0)

    // What was credited is all still shown, from the kept segments.
    const kept = await ledger()
    const rawBefore = new Map(before.sessions.map((s) => [s.id, Number(s.raw_ms)]))
    for (const s of kept.sessions) expect(Number(s.kept_ms)).toBe(rawBefore.get(s.id))
    expect(kept.progress).toEqual(before.progress)
    expect(await timelines(learners)).toEqual(timelineBefore)
  })
})

