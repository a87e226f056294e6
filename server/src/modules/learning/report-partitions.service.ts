import type { AppDb } from '../../db/client.ts'
import { createReportPartition, detachAndDrop, detachedReportTables, dropTable, listReportPartitions, sessionsNotCompactedIn } from './report-partitions.repository.ts'

const DAY_MS = 86_400_000
/** Partitions exist this many days ahead of now: a week of the job not running costs nothing. */
export const PARTITION_DAYS_AHEAD = 7

export interface PartitionRound {
  created: string[]
  dropped: string[]
  /** Partitions past the retention kept for now, and how many sessions they wait for. */
  waiting: Array<{ name: string; sessions: number }>
  /** How far ahead of now the last partition ends (days). */
  aheadDays: number
}

const startOfUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS)

/**
 * One round of partition upkeep for progress_reports: creates the day partitions up to a week
 * ahead, then detaches and drops each partition that ended more than `retentionDays` ago — but only
 * when no session with rows in it is still waiting for compaction (else it is kept, and reported
 * in `waiting`: nothing credited is dropped before it is kept for good).
 */
export async function maintainReportPartitions(db: AppDb, now: Date, opts: { retentionDays: number; concurrently: boolean }): Promise<PartitionRound> {
  const round: PartitionRound = { created: [], dropped: [], waiting: [], aheadDays: 0 }
  for (const name of await detachedReportTables(db)) {
    await dropTable(db, name)
    round.dropped.push(name)
  }
  let partitions = await listReportPartitions(db)
  const horizon = startOfUtcDay(now).getTime() + (PARTITION_DAYS_AHEAD + 1) * DAY_MS
  // From the end of the last partition (a day boundary: the migration ends its cut at one).
  let from = Math.max(partitions.at(-1)?.to.getTime() ?? 0, startOfUtcDay(now).getTime() - DAY_MS)
  while (from < horizon) {
    const to = startOfUtcDay(new Date(from)).getTime() + DAY_MS
    await createReportPartition(db, new Date(from), new Date(to))
    round.created.push(new Date(from).toISOString().slice(0, 10))
    from = to
  }
  if (round.created.length > 0) partitions = await listReportPartitions(db)

  const keepAfter = now.getTime() - opts.retentionDays * DAY_MS
  for (const partition of partitions) {
    if (partition.to.getTime() > keepAfter) continue
    const sessions = await sessionsNotCompactedIn(db, partition.from, partition.to)
    if (sessions > 0) {
      round.waiting.push({ name: partition.name, sessions })
      continue
    }
    await detachAndDrop(db, partition, opts.concurrently)
    round.dropped.push(partition.name)
  }
  const last = partitions.at(-1)?.to.getTime() ?? now.getTime()
  round.aheadDays = Math.max(0, (last - now.getTime()) / DAY_MS)
  return round
}
