import postgres from 'postgres'
import { openPlayback, postReport, storedReports, type PlayingLearner, type PreparedLearners } from '../bench/learners.ts'
import { createClient } from '../bench/load.ts'

/**
 * Progress load through the cluster, as the H5 sends it: each learner has one playback session and
 * reports with increasing seq; a report that was not acknowledged (an error, a 503, a dropped
 * connection) is sent again with the same seq until it is, as the H5's queue does. The learners
 * come from prepareLearners (bench/learners.ts).
 */

export interface LoadStats {
  acknowledged: Array<{ sessionId: string; seq: number }>
  /** Answers other than 200 (and dropped connections), each followed by a resend. */
  notAcknowledged: number
  /** By status ("503 SERVICE_UNAVAILABLE", "network", …), with the slowest time to that answer. */
  failures: Map<string, { count: number; maxMs: number }>
}

/** Opens a playback session per learner (through the cluster) and returns the report sender. */
export async function startProgressLoad(baseUrl: string, prepared: PreparedLearners, concurrency: number) {
  const client = createClient(baseUrl, concurrency)
  const learners: PlayingLearner[] = []
  for (const l of prepared.learners) learners.push(await openPlayback(client, l, prepared.chapter.id))
  const stats: LoadStats = { acknowledged: [], notAcknowledged: 0, failures: new Map() }
  const maxPosition = prepared.chapter.duration_seconds - 1
  const countFailure = (kind: string, ms: number) => {
    stats.notAcknowledged += 1
    const entry = stats.failures.get(kind) ?? { count: 0, maxMs: 0 }
    entry.count += 1
    entry.maxMs = Math.max(entry.maxMs, ms)
    stats.failures.set(kind, entry)
  }

  /** One report of learner w, resent until acknowledged (or `deadline` passes); true when acknowledged first time. */
  async function report(w: number, deadline = Infinity): Promise<boolean> {
    const l = learners[w]!
    l.seq += 1
    let firstTry = true
    for (;;) {
      const t0 = performance.now()
      let status = 0
      let code = ''
      try {
        const res = await postReport(client, l, maxPosition)
        status = res.status
        if (status !== 200) code = /"code":"([A-Z_]+)"/.exec(res.body)?.[1] ?? '' // nginx's own 502 page is HTML
      } catch {
        status = 0
      }
      if (status === 200) {
        stats.acknowledged.push({ sessionId: l.sessionId, seq: l.seq })
        return firstTry
      }
      countFailure(status === 0 ? 'network error' : `${status} ${code}`.trim(), performance.now() - t0)
      firstTry = false
      if (performance.now() > deadline) return false
      // The H5 waits a moment before resending.
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return { learners, report, stats, close: () => client.close() }
}

/** Acknowledged reports missing from the database, and sessions whose totals disagree with their reports. */
export async function verifyStored(databaseUrl: string, stats: LoadStats) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const { stored, missing } = await storedReports(sql, stats.acknowledged)
    // Nothing half-written: a session's last seq and credit are exactly what its stored reports say.
    const [row] = await sql<{ inconsistent: number }[]>`
      select count(*)::int as inconsistent from playback_sessions s
      left join (select session_id, max(seq) as seq, sum(credited_ms) as credited from progress_reports group by session_id) r on r.session_id = s.id
      where s.last_seq <> coalesce(r.seq, 0) or s.credited_ms <> coalesce(r.credited, 0)`
    return { stored, missing, inconsistent: row?.inconsistent ?? -1 }
  } finally {
    await sql.end({ timeout: 5 })
  }
}
