import { and, asc, eq, isNull, lt, min, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { antiIdleState, creditedSegments, playbackSessions } from '../../db/schema/learning.ts'
import type { Segment } from './credited-segments.rules.ts'
import type { CompactableSession } from './credited-segments.read-model.ts'
import type { Tx } from './learning.types.ts'

// The statements of compaction (compaction.service.ts): which sessions are due, the session's
// lock, and the write that keeps its segments. What it reads of the raw reports is in
// credited-segments.read-model.ts, shared with the reads that show them.

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

