import { and, asc, eq, gt, gte, lte, min, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { antiIdleAnswers, creditedSegments, playbackSessions, progressReports } from '../../db/schema/learning.ts'
import { ANSWER_GRACE_MS, segmentsOf, SEGMENT_GAP_MS, type RawAnswer, type RawReport, type Segment } from './credited-segments.rules.ts'
import type { Tx } from './learning.types.ts'

// What was credited in playback sessions, as segments (credited-segments.rules.ts): those kept for
// good by compaction, and those of reports not compacted yet, computed from the raw rows by the
// same rules (the compaction job uses these reads too, so both give the same answer).

/** Servers' clocks may differ a little: raw rows are looked for this far outside the session's own times. */
const CLOCK_SLACK_MS = 60 * 60_000

/** What the reads need of a playback session to find its raw reports. */
export interface CompactableSession {
  id: string
  userId: number
  chapterId: number
  openedAt: Date
  lastSeq: number
  compactedSeq: number
  lastReportAt: Date | null
}

/**
 * The session's reports after `afterSeq`, with what their answers said. Bounded by the session's
 * own times so only the partitions of those days are read.
 */
export async function rawReportsAfter(db: AppDb | Tx, session: CompactableSession, afterSeq: number): Promise<RawReport[]> {
  const from = new Date(session.openedAt.getTime() - CLOCK_SLACK_MS)
  const to = new Date((session.lastReportAt ?? session.openedAt).getTime() + CLOCK_SLACK_MS)
  const rows = await db
    .select({
      seq: progressReports.seq,
      creditedMs: progressReports.creditedMs,
      receivedAt: progressReports.receivedAt,
      furthestSeconds: sql<string>`${progressReports.ack}->'chapter'->>'resumeAtSeconds'`,
      questionId: sql<string | null>`${progressReports.ack}->'question'->>'id'`,
    })
    .from(progressReports)
    .where(and(eq(progressReports.sessionId, session.id), gt(progressReports.seq, afterSeq), gte(progressReports.receivedAt, from), lte(progressReports.receivedAt, to)))
    .orderBy(asc(progressReports.seq))
  return rows.map((r) => ({
    seq: r.seq,
    creditedMs: r.creditedMs,
    receivedAt: new Date(r.receivedAt),
    furthestMs: Math.round(Number(r.furthestSeconds) * 1000),
    questionId: r.questionId === null ? null : Number(r.questionId),
  }))
}

/** The learner's answers for the chapter from `from` to `to` (segmentsOf picks those that count). */
export async function answersAround(db: AppDb | Tx, userId: number, chapterId: number, from: Date, to: Date): Promise<RawAnswer[]> {
  const rows = await db
    .select({ answeredAt: antiIdleAnswers.answeredAt, correct: antiIdleAnswers.correct })
    .from(antiIdleAnswers)
    .where(and(eq(antiIdleAnswers.userId, userId), eq(antiIdleAnswers.chapterId, chapterId), gte(antiIdleAnswers.answeredAt, from), lte(antiIdleAnswers.answeredAt, to)))
  return rows.map((r) => ({ answeredAt: new Date(r.answeredAt), correct: r.correct }))
}

/** When the learner opened the next playback after this one (its answers are that one's). */
export async function nextSessionOpenedAt(db: AppDb | Tx, userId: number, openedAt: Date): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(playbackSessions.openedAt) })
    .from(playbackSessions)
    .where(and(eq(playbackSessions.userId, userId), gt(playbackSessions.openedAt, openedAt)))
  return row?.at ? new Date(row.at) : null
}

/**
 * The segments of a session's reports after `afterSeq`, as compaction keeps them and as the reads
 * of a session not compacted yet show them (same rows, same rules: the same answer).
 */
export async function segmentsAfter(db: AppDb | Tx, session: CompactableSession, afterSeq: number): Promise<Segment[]> {
  const reports = await rawReportsAfter(db, session, afterSeq)
  if (!reports.some((r) => r.creditedMs > 0)) return []
  const times = reports.map((r) => r.receivedAt.getTime())
  const answers = await answersAround(db, session.userId, session.chapterId, new Date(Math.min(...times) - SEGMENT_GAP_MS), new Date(Math.max(...times) + ANSWER_GRACE_MS))
  return segmentsOf(reports, answers, await nextSessionOpenedAt(db, session.userId, session.openedAt))
}

/** The segments kept for these sessions, oldest first. */
export async function segmentsOfSessions(db: AppDb, sessionIds: string[]): Promise<Array<Segment & { sessionId: string }>> {
  if (sessionIds.length === 0) return []
  const rows = await db
    .select()
    .from(creditedSegments)
    .where(sql`${creditedSegments.sessionId} in ${sessionIds}`)
    .orderBy(asc(creditedSegments.sessionId), asc(creditedSegments.fromSeq))
  return rows.map(({ userId: _u, chapterId: _c, ...s }) => ({ ...s, startedAt: new Date(s.startedAt), endedAt: new Date(s.endedAt) }))
}

/**
 * Every segment of these sessions, by session, oldest first: kept ones up to each session's
 * compacted seq, then those of its raw reports not compacted yet.
 */
export async function sessionSegments(db: AppDb, sessionIds: string[]): Promise<Map<string, Segment[]>> {
  const result = new Map<string, Segment[]>(sessionIds.map((id) => [id, []]))
  if (sessionIds.length === 0) return result
  for (const s of await segmentsOfSessions(db, sessionIds)) result.get(s.sessionId)?.push(s)
  const sessions = await db
    .select({
      id: playbackSessions.id,
      userId: playbackSessions.userId,
      chapterId: playbackSessions.chapterId,
      openedAt: playbackSessions.openedAt,
      lastSeq: playbackSessions.lastSeq,
      compactedSeq: playbackSessions.compactedSeq,
      lastReportAt: playbackSessions.lastReportAt,
    })
    .from(playbackSessions)
    .where(sql`${playbackSessions.id} in ${sessionIds}`)
  for (const session of sessions) {
    if (session.lastSeq <= session.compactedSeq) continue
    result.get(session.id)?.push(...(await segmentsAfter(db, session, session.compactedSeq)))
  }
  return result
}
