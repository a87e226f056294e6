/**
 * What is kept for good of a playback session (docs/learning.md, "What is kept for good"): its
 * credited reports folded into segments — runs of contiguous credited playback — with the 防挂机
 * questions asked and answered in each. A pure function of the session's stored reports and the
 * learner's answers, so the compaction job and the reads of recent sessions (not yet compacted)
 * give the same segments from the same rows.
 */

/** A stored report as compaction reads it (progress_reports, with what its answer said). */
export interface RawReport {
  seq: number
  creditedMs: number
  receivedAt: Date
  /** The chapter's furthest credited position after this report (its answer's resumeAt). */
  furthestMs: number
  /** The 防挂机 question the answer carried, if any. */
  questionId: number | null
}

/** A 防挂机 answer of the learner for the session's chapter. */
export interface RawAnswer {
  answeredAt: Date
  correct: boolean
}

export interface Segment {
  fromSeq: number
  toSeq: number
  fromMs: number
  toMs: number
  startedAt: Date
  endedAt: Date
  creditedMs: number
  questionsAsked: number
  answeredRight: number
  answeredWrong: number
}

/** A pause longer than this between credited reports starts a new segment (six report intervals). */
export const SEGMENT_GAP_MS = 60_000
/** An answer given up to this long after a segment's last report still counts with it (the learner reads the question). */
export const ANSWER_GRACE_MS = 5 * 60_000

/**
 * The segments of a session's reports (any order; only credited reports start or extend one).
 * A segment covers the positions credited by consecutive credited reports, each starting where the
 * previous one ended and within SEGMENT_GAP_MS of it. It starts when its first report's credit
 * began (that report's time less what it credited) and ends at its last report. Reports that
 * credited nothing count with the segment before them (or the first one) for the questions they
 * carried. An answer counts with the last segment started at or before it, and not at all when it
 * came before the first segment, more than ANSWER_GRACE_MS after the last one, or at or after
 * `nextSessionAt` (the learner's next playback, whose segments it belongs to).
 */
export function segmentsOf(reports: RawReport[], answers: RawAnswer[], nextSessionAt: Date | null = null): Segment[] {
  const sorted = [...reports].sort((a, b) => a.seq - b.seq)
  const segments: Segment[] = []
  let current: Segment | null = null
  for (const r of sorted) {
    if (r.creditedMs <= 0) continue
    const fromMs = r.furthestMs - r.creditedMs
    const contiguous = current !== null && current.toMs === fromMs && r.receivedAt.getTime() - current.endedAt.getTime() <= SEGMENT_GAP_MS
    if (current && contiguous) {
      current.toSeq = r.seq
      current.toMs = r.furthestMs
      current.endedAt = r.receivedAt
      current.creditedMs += r.creditedMs
    } else {
      current = {
        fromSeq: r.seq,
        toSeq: r.seq,
        fromMs,
        toMs: r.furthestMs,
        startedAt: new Date(r.receivedAt.getTime() - r.creditedMs),
        endedAt: r.receivedAt,
        creditedMs: r.creditedMs,
        questionsAsked: 0,
        answeredRight: 0,
        answeredWrong: 0,
      }
      segments.push(current)
    }
  }
  if (segments.length === 0) return segments

  // Questions: each new question id an answer carried is one asked, in the segment of its report.
  let previousQuestion: number | null = null
  for (const r of sorted) {
    if (r.questionId !== null && r.questionId !== previousQuestion) segmentAtSeq(segments, r.seq).questionsAsked++
    previousQuestion = r.questionId
  }
  const first = segments[0] as Segment
  const last = segments[segments.length - 1] as Segment
  const answersUntil = Math.min(last.endedAt.getTime() + ANSWER_GRACE_MS, (nextSessionAt?.getTime() ?? Infinity) - 1)
  for (const a of answers) {
    const at = a.answeredAt.getTime()
    if (at < first.startedAt.getTime() || at > answersUntil) continue
    const segment = segmentAtTime(segments, a.answeredAt)
    if (a.correct) segment.answeredRight++
    else segment.answeredWrong++
  }
  return segments
}

/** The segment a report belongs to: the last one starting at or before its seq, else the first. */
function segmentAtSeq(segments: Segment[], seq: number): Segment {
  let found = segments[0] as Segment
  for (const s of segments) if (s.fromSeq <= seq) found = s
  return found
}

/** The last segment started at or before `at` (callers have checked it is not before the first). */
function segmentAtTime(segments: Segment[], at: Date): Segment {
  let found = segments[0] as Segment
  for (const s of segments) if (s.startedAt.getTime() <= at.getTime()) found = s
  return found
}
