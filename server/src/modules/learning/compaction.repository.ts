import { and, asc, eq, gt, gte, isNull, lt, lte, min, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { antiIdleAnswers, antiIdleState, creditedSegments, playbackSessions, progressReports } from '../../db/schema/learning.ts'
import type { RawAnswer, RawReport, Segment } from './credited-segments.rules.ts'
import type { Tx } from './learning.types.ts'

// The statements of compaction (compaction.service.ts) and of the reads that show a session's
// segments: raw reports of a session not compacted yet, the learner's answers around them, the
// segments kept for good.

/** Servers' clocks may differ a little: raw rows are looked for this far outside the session's own times. */
const CLOCK_SLACK_MS = 60 * 60_000

export interface CompactableSession {
  id: string
  userId: number
  chapterId: number
  openedAt: Date
  lastSeq: number
  compactedSeq: number
  lastReportAt: Date | null
}

const sessionColumns = {
  id: playbackSessions.id,
  userId: playbackSessions.userId,
  chapterId: playbackSessions.chapterId,
  openedAt: playbackSessions.openedAt,
  lastSeq: playbackSessions.lastSeq,
  compactedSeq: playbackSessions.compactedSeq,
  lastReportAt: playbackSessions.lastReportAt,
}

/**
 * Sessions with reports not compacted and none for a while (`endedBefore`), oldest first: found
 * through the partial index of sessions not compacted (playback_sessions_to_compact).
 */
export async function sessionsDueForCompaction(db: AppDb, endedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: playbackSessions.id })
    .from(playbackSessions)
    .where(and(isNull(playbackSessions.compactedAt), lt(playbackSessions.openedAt, endedBefore), sql`coalesce(${playbackSessions.lastReportAt}, ${playbackSessions.openedAt}) < ${endedBefore}`))
    .orderBy(asc(playbackSessions.openedAt))
    .limit(limit)
  return rows.map((r) => r.id)
}

/** The oldest session due for compaction (its last report), for the lag metric; null when none is. */
export async function oldestDueForCompaction(db: AppDb, endedBefore: Date): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(sql<Date>`coalesce(${playbackSessions.lastReportAt}, ${playbackSessions.openedAt})`) })
    .from(playbackSessions)
    .where(and(isNull(playbackSessions.compactedAt), lt(playbackSessions.openedAt, endedBefore), sql`coalesce(${playbackSessions.lastReportAt}, ${playbackSessions.openedAt}) < ${endedBefore}`))
  return row?.at ? new Date(row.at) : null
}

/**
 * Locks the session's learner (as every change to a learner's progress does, so no report of the
 * session commits meanwhile), then the session; null if it is gone or compacted already.
 */
export async function lockSessionForCompaction(tx: Tx, sessionId: string): Promise<CompactableSession | null> {
  const [owner] = await tx.select({ userId: playbackSessions.userId }).from(playbackSessions).where(eq(playbackSessions.id, sessionId))
  if (!owner) return null
  await tx.select({ userId: antiIdleState.userId }).from(antiIdleState).where(eq(antiIdleState.userId, owner.userId)).for('update')
  const [session] = await tx
    .select(sessionColumns)
    .from(playbackSessions)
    .where(and(eq(playbackSessions.id, sessionId), isNull(playbackSessions.compactedAt)))
    .for('update')
  return session ?? null
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

/** Keeps a session's segments for good; a rerun of the same range inserts nothing twice. */
export async function insertSegments(tx: Tx, session: CompactableSession, segments: Segment[]): Promise<void> {
  if (segments.length === 0) return
  await tx
    .insert(creditedSegments)
    .values(segments.map((s) => ({ ...s, sessionId: session.id, userId: session.userId, chapterId: session.chapterId })))
    .onConflictDoNothing()
}

/** Marks the session compacted up to `seq` (the learner lock is held: no report moved it meanwhile). */
export async function markCompacted(tx: Tx, sessionId: string, seq: number, now: Date): Promise<void> {
  await tx.update(playbackSessions).set({ compactedSeq: seq, compactedAt: now }).where(eq(playbackSessions.id, sessionId))
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
