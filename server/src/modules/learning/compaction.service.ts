import type { AppDb } from '../../db/client.ts'
import { insertSegments, lockSessionForCompaction, markCompacted, sessionsDueForCompaction } from './compaction.repository.ts'
import { segmentsAfter } from './credited-segments.read-model.ts'

/**
 * A session is ended once it has had no report for this long (a superseded one gets none): longer
 * than the offline backlog a page may still send (5 min) and the grace for a late answer (5 min).
 * A session that reports again after that is simply compacted again, from where it stopped.
 */
export const SESSION_ENDED_AFTER_MS = 10 * 60_000

/** Called between the statements of a session's compaction: tests throw there to interrupt it. */
export type CompactionStep = (step: 'locked' | 'read' | 'segments' | 'marked') => void | Promise<void>

/**
 * Compacts one session in ONE transaction: its segments are written and the session marked
 * compacted up to its last seq together, or neither is. Rerunning it (after a crash, on another
 * instance) finds it compacted and does nothing. Returns whether it compacted anything.
 */
export async function compactSession(db: AppDb, sessionId: string, now: Date, step: CompactionStep = () => {}): Promise<boolean> {
  return db.transaction(async (tx) => {
    const session = await lockSessionForCompaction(tx, sessionId)
    if (!session) return false
    await step('locked')
    const segments = await segmentsAfter(tx, session, session.compactedSeq)
    await step('read')
    await insertSegments(tx, session, segments)
    await step('segments')
    await markCompacted(tx, session.id, session.lastSeq, now)
    await step('marked')
    return true
  })
}

/**
 * One round of compaction: up to `limit` ended sessions, oldest first, one transaction each (a
 * failure leaves that session for the next round and goes on). Returns how many were compacted.
 */
export async function compactEndedSessions(db: AppDb, now: Date, opts: { limit: number; onError?: (error: unknown) => void }): Promise<number> {
  const due = await sessionsDueForCompaction(db, new Date(now.getTime() - SESSION_ENDED_AFTER_MS), opts.limit)
  let compacted = 0
  for (const id of due) {
    try {
      if (await compactSession(db, id, now)) compacted++
    } catch (error) {
      opts.onError?.(error)
    }
  }
  return compacted
}
