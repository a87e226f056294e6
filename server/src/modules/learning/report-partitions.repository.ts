import { and, count, isNull, lt, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { playbackSessions } from '../../db/schema/learning.ts'

// The partitions of progress_reports (one per UTC day, docs/deployment.md "Keeping progress_reports
// small"), read from the catalogue and changed by DDL. Partition names and bounds are made here
// from dates, never from input: DDL takes no parameters.

export interface ReportPartition {
  name: string
  /** Null for the partition of everything before partitioning (FROM MINVALUE). */
  from: Date | null
  to: Date
  /** A DETACH CONCURRENTLY that was interrupted: it must be finalised before the drop. */
  detachPending: boolean
}

const SLACK_MS = 60 * 60_000

/** The partitions of progress_reports with their bounds, oldest first. */
export async function listReportPartitions(db: AppDb): Promise<ReportPartition[]> {
  const rows = rowsOf(
    await db.execute(sql`
      select c.relname as name,
        extract(epoch from (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000 as from_ms,
        extract(epoch from (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000 as to_ms,
        i.inhdetachpending as detach_pending
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'progress_reports'::regclass`),
  )
  return rows
    .filter((r) => r.to_ms !== null)
    .map((r) => ({
      name: String(r.name),
      from: r.from_ms === null ? null : new Date(Number(r.from_ms)),
      to: new Date(Number(r.to_ms)),
      detachPending: r.detach_pending === true || r.detach_pending === 't',
    }))
    .sort((a, b) => a.to.getTime() - b.to.getTime())
}

/** `progress_reports_p20261205` for the partition starting on that UTC day. */
export function partitionName(from: Date): string {
  return `progress_reports_p${from.toISOString().slice(0, 10).replaceAll('-', '')}`
}

/** Creates the partition [from, to) (nothing if one of that name exists). */
export async function createReportPartition(db: AppDb, from: Date, to: Date): Promise<void> {
  await db.execute(
    sql.raw(`create table if not exists "${partitionName(from)}" partition of progress_reports for values from ('${from.toISOString()}') to ('${to.toISOString()}')`),
  )
}

/**
 * Sessions not fully compacted that may have rows in [from, to): opened before its end and
 * reported after its start. Through the partial index of sessions not compacted: a handful, not
 * the partition's rows.
 */
export async function sessionsNotCompactedIn(db: AppDb, from: Date | null, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(playbackSessions)
    .where(
      and(
        isNull(playbackSessions.compactedAt),
        lt(playbackSessions.openedAt, new Date(to.getTime() + SLACK_MS)),
        from === null ? undefined : sql`coalesce(${playbackSessions.lastReportAt}, ${playbackSessions.openedAt}) >= ${new Date(from.getTime() - SLACK_MS)}`,
      ),
    )
  return Number(row?.n ?? 0)
}

/**
 * Detaches a partition, then drops it: never a DELETE. On PostgreSQL the detach is CONCURRENTLY
 * (reports keep being written meanwhile; it cannot run in a transaction); an earlier one that was
 * interrupted is finalised instead. The embedded database detaches plainly (one connection).
 */
export async function detachAndDrop(db: AppDb, partition: ReportPartition, concurrently: boolean): Promise<void> {
  const how = partition.detachPending ? 'finalize' : concurrently ? 'concurrently' : ''
  await db.execute(sql.raw(`alter table progress_reports detach partition "${partition.name}" ${how}`))
  await db.execute(sql.raw(`drop table "${partition.name}"`))
}

/** Partitions detached by a run that stopped before its drop: tables of ours no longer attached. */
export async function detachedReportTables(db: AppDb): Promise<string[]> {
  const rows = rowsOf(
    await db.execute(sql`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and not c.relispartition
        and (c.relname like 'progress\_reports\_p%' or c.relname = 'progress_reports_legacy')`),
  )
  return rows.map((r) => String(r.name))
}

export async function dropTable(db: AppDb, name: string): Promise<void> {
  await db.execute(sql.raw(`drop table if exists "${name}"`))
}
