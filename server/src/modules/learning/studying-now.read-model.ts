import { and, eq, gte, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { playbackSessions } from '../../db/schema/learning.ts'

/**
 * Learners studying now: an active playback (one per account) that reported since `since`. Reads
 * the partial index `playback_sessions_active_report_idx`, never the progress history.
 */
export async function learnersStudyingSince(db: AppDb, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(playbackSessions)
    .where(and(eq(playbackSessions.status, 'active'), gte(playbackSessions.lastReportAt, since)))
  return row?.n ?? 0
}
