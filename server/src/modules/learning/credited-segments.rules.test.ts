import { describe, expect, it } from 'vitest'
import { ANSWER_GRACE_MS, segmentsOf, type RawReport } from './credited-segments.rules.ts'

const t0 = Date.parse('2026-12-05T08:00:00Z')
const at = (ms: number) => new Date(t0 + ms)
/** A report at `ms` crediting `credited` up to `furthest` (seconds), maybe carrying a question. */
const report = (seq: number, ms: number, credited: number, furthest: number, questionId: number | null = null): RawReport => ({
  seq,
  creditedMs: credited * 1000,
  receivedAt: at(ms),
  furthestMs: furthest * 1000,
  questionId,
})

describe('credited segments of a session', () => {
  it('folds contiguous credited reports into one segment and adds up exactly what they credited', () => {
    const segments = segmentsOf([report(3, 30_000, 10, 30), report(1, 10_000, 10, 10), report(2, 20_000, 10, 20)], [])
    expect(segments).toEqual([
      { fromSeq: 1, toSeq: 3, fromMs: 0, toMs: 30_000, startedAt: at(0), endedAt: at(30_000), creditedMs: 30_000, questionsAsked: 0, answeredRight: 0, answeredWrong: 0 },
    ])
  })

  it('starts a new segment after a pause of more than a minute or where the credited positions jump', () => {
    const segments = segmentsOf([report(1, 10_000, 10, 10), report(2, 100_000, 10, 20), report(3, 110_000, 0, 20), report(4, 120_000, 5, 60)], [])
    expect(segments.map((s) => [s.fromSeq, s.toSeq, s.fromMs, s.toMs, s.creditedMs])).toEqual([
      [1, 1, 0, 10_000, 10_000],
      [2, 2, 10_000, 20_000, 10_000],
      [4, 4, 55_000, 60_000, 5_000],
    ])
  })

  it('counts each question asked once, and answers in the segment they follow, within the grace and before the next playback', () => {
    const reports = [report(1, 10_000, 10, 10), report(2, 20_000, 10, 20, 7), report(3, 30_000, 0, 20, 7), report(4, 100_000, 10, 30, 9)]
    const answers = [
      { answeredAt: at(35_000), correct: false },
      { answeredAt: at(40_000), correct: true },
      { answeredAt: at(100_000 + ANSWER_GRACE_MS - 1), correct: true },
      { answeredAt: at(100_000 + ANSWER_GRACE_MS + 1), correct: true },
      { answeredAt: at(-5_000), correct: true },
    ]
    const segments = segmentsOf(reports, answers)
    expect(segments.map((s) => [s.questionsAsked, s.answeredRight, s.answeredWrong])).toEqual([
      [1, 1, 1],
      [1, 1, 0],
    ])
    // An answer after the learner opened the next playback is that playback's.
    expect(segmentsOf(reports, answers, at(150_000)).map((s) => [s.answeredRight, s.answeredWrong])).toEqual([
      [1, 1],
      [0, 0],
    ])
  })

  it('has no segment when nothing was credited', () => {
    expect(segmentsOf([report(1, 10_000, 0, 0, 3)], [{ answeredAt: at(11_000), correct: true }])).toEqual([])
  })
})
