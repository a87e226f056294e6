import fp from 'fastify-plugin'
import type { FastifyBaseLogger } from 'fastify'
import type { AppDb } from '../../db/client.ts'
import { runWithLease } from '../../db/job-lease.ts'
import { progressHistoryState, progressPartitionsDropped, progressSessionsCompacted } from '../../core/metrics.registry.ts'
import { oldestDueForCompaction } from './compaction.repository.ts'
import { compactEndedSessions, SESSION_ENDED_AFTER_MS } from './compaction.service.ts'
import { maintainReportPartitions } from './report-partitions.service.ts'

export interface ProgressHistoryDeps {
  db: AppDb
  /** DETACH CONCURRENTLY on PostgreSQL; the embedded database detaches plainly. */
  concurrentDetach: boolean
  rawRetentionDays: number
  log: FastifyBaseLogger
}

/** Sessions compacted per round at most: a round stays well inside its lease. */
export const COMPACTION_BATCH = 500

/**
 * One round of the progress-history lifecycle (docs/deployment.md, "Keeping progress_reports
 * small"): ended sessions are compacted into credited_segments, then partitions are created ahead
 * and those past the retention dropped — only once every session with rows in them is compacted.
 */
export async function progressHistoryRound(deps: ProgressHistoryDeps, now: Date, batch = COMPACTION_BATCH): Promise<{ compacted: number; dropped: string[]; waiting: number }> {
  const compacted = await compactEndedSessions(deps.db, now, {
    limit: batch,
    onError: (error) => deps.log.warn({ err: { type: (error as Error).name, message: (error as Error).message } }, 'a session was not compacted; the next round retries it'),
  })
  progressSessionsCompacted.inc(compacted)
  const oldest = await oldestDueForCompaction(deps.db, new Date(now.getTime() - SESSION_ENDED_AFTER_MS))
  progressHistoryState.compactionLag.set(oldest ? Math.max(0, (now.getTime() - SESSION_ENDED_AFTER_MS - oldest.getTime()) / 1000) : 0)

  const round = await maintainReportPartitions(deps.db, now, { retentionDays: deps.rawRetentionDays, concurrently: deps.concurrentDetach })
  progressPartitionsDropped.inc(round.dropped.length)
  progressHistoryState.partitionsWaiting.set(round.waiting.length)
  progressHistoryState.partitionsAheadDays.set(round.aheadDays)
  if (round.created.length > 0 || round.dropped.length > 0) deps.log.info({ created: round.created, dropped: round.dropped }, 'progress_reports partitions')
  for (const w of round.waiting) {
    deps.log.warn({ partition: w.name, sessions: w.sessions }, 'partition past the retention kept: sessions with rows in it are not compacted yet')
  }
  return { compacted, dropped: round.dropped, waiting: round.waiting.length }
}

/**
 * Runs the lifecycle on a timer in each server instance, one instance a round (the job lease); a
 * first round shortly after start-up creates the partitions ahead. Rounds follow each other
 * quickly while compaction has a backlog. The timer never keeps the process alive.
 */
export default fp<{ deps: ProgressHistoryDeps; intervalMs: number; now: () => Date }>(
  async (app, { deps, intervalMs, now }) => {
    let running = false
    let timer: NodeJS.Timeout | undefined
    let closed = false
    const schedule = (ms: number) => {
      if (closed) return
      timer = setTimeout(tick, ms)
      timer.unref()
    }
    const tick = () => {
      if (running) return
      running = true
      const at = now()
      let backlog = false
      // The lease is kept for the period after a round, or let go at once while there is a backlog
      // (runWithLease reads everyMs when the round ends).
      const job = { name: 'progress-history', everyMs: intervalMs * 0.9, maxRunMs: 10 * 60_000 }
      runWithLease(deps.db, job, at, async () => {
        const round = await progressHistoryRound(deps, at)
        backlog = round.compacted >= COMPACTION_BATCH
        if (backlog) job.everyMs = 0
      })
        .catch((error: unknown) => app.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'progress history round failed'))
        .finally(() => {
          running = false
          schedule(backlog ? 1_000 : intervalMs)
        })
    }
    schedule(5_000)
    app.addHook('onClose', async () => {
      closed = true
      clearTimeout(timer)
    })
  },
  { name: 'progress-history' },
)
