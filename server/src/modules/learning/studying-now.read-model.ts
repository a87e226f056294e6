import { and, eq, gte, isNull, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { playbackSessions } from '../../db/schema/learning.ts'

/**
 * Learners studying now: an active playback (one per account) that reported since `since`. A
 * playback that reported in the last minutes is not compacted yet (compaction waits until it has
 * been quiet for 10 minutes, and a report clears `compacted_at`), so the statement reads only the
 * small set of uncompacted sessions through `playback_sessions_to_compact`. No index on
 * `last_report_at`: every progress report moves it, and an index on it would turn each report's
 * HOT update of the session row into a full update of every index of the table.
 */
export async function learnersStudyingSince(db: AppDb, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(playbackSessions)
    .where(and(isNull(playbackSessions.compactedAt), eq(playbackSessions.status, 'active'), gte(playbackSessions.lastReportAt, since)))
  return row?.n ?? 0
}
