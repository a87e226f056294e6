/**
 * Table and index sizes of the synthetic year per learner-year, and what they come to for the
 * province (bench:synth-year). Video-driven tables (reports, answers) are scaled from the run's
 * video minutes per 学时 to the real 45, so a shortened run still projects the real year.
 */
import type postgres from 'postgres'

export const PROVINCE_LEARNERS = 2_200_000
export const REAL_MINUTES_PER_HOUR = 45
/** Raw reports are kept this long under the lifecycle (issue #26 point 1), then dropped by partition. */
export const RAW_RETENTION_DAYS = 35
/** Tables whose rows grow with the video watched (one per 10 s report, one per 300–900 s answer). */
const VIDEO_DRIVEN = new Set(['progress_reports', 'anti_idle_answers'])
/** The raw reports (their partitions summed): what the lifecycle drops after RAW_RETENTION_DAYS. */
export const isRawReports = (table: string) => table === 'progress_reports'

export interface TableSize { table: string; rows: number; tableBytes: number; indexBytes: number; totalBytes: number }

export async function tableSizes(sql: postgres.Sql): Promise<TableSize[]> {
  // A partitioned table counts as one: its partitions' sizes summed under the parent's name.
  const rows = await sql<{ table: string; rows: string; table_bytes: string; index_bytes: string; total_bytes: string }[]>`
    select coalesce(p.relname, c.relname) as table, sum(greatest(c.reltuples, 0))::bigint as rows, sum(pg_table_size(c.oid)) as table_bytes,
      sum(pg_indexes_size(c.oid)) as index_bytes, sum(pg_total_relation_size(c.oid)) as total_bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    left join pg_inherits i on i.inhrelid = c.oid left join pg_class p on p.oid = i.inhparent
    where n.nspname = 'public' and c.relkind = 'r' and c.relname not like '\\_\\_%'
    group by 1 order by sum(pg_total_relation_size(c.oid)) desc`
  return rows.map((r) => ({ table: r.table, rows: Number(r.rows), tableBytes: Number(r.table_bytes), indexBytes: Number(r.index_bytes), totalBytes: Number(r.total_bytes) }))
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const kb = (bytes: number) => (bytes / 1024).toFixed(1)
const gb = (bytes: number) => (bytes / 1024 ** 3).toFixed(0)

/** Prints each table's size and its bytes per learner-year, then the province's projection. */
export function printSizes(sizes: TableSize[], learners: number, minutesPerHour: number) {
  const scale = REAL_MINUTES_PER_HOUR / minutesPerHour
  console.log(`\n${'table'.padEnd(28)}${'rows'.padStart(13)}${'table MB'.padStart(11)}${'index MB'.padStart(11)}${'total MB'.padStart(11)}${'kB/learner'.padStart(12)}${'real kB/learner'.padStart(17)}`)
  let total = 0
  let realTotal = 0
  let realRaw = 0
  for (const s of sizes.filter((x) => x.totalBytes > 64 * 1024)) {
    const per = s.totalBytes / learners
    const real = VIDEO_DRIVEN.has(s.table) || isRawReports(s.table) ? per * scale : per
    total += per
    realTotal += real
    if (isRawReports(s.table)) realRaw += real
    console.log(`${s.table.padEnd(28)}${s.rows.toLocaleString('en').padStart(13)}${mb(s.tableBytes).padStart(11)}${mb(s.indexBytes).padStart(11)}${mb(s.totalBytes).padStart(11)}${kb(per).padStart(12)}${kb(real).padStart(17)}`)
  }
  const kept = realTotal - realRaw
  const withLifecycle = kept + (realRaw * RAW_RETENTION_DAYS) / 365
  console.log(`${'all tables'.padEnd(28)}${''.padStart(13 + 33)}${kb(total).padStart(12)}${kb(realTotal).padStart(17)}`)
  console.log(`\nper learner-year at the real ${REAL_MINUTES_PER_HOUR} min of video per 学时 (this run: ${minutesPerHour}; reports and answers ×${scale.toFixed(2)}):`)
  console.log(`  everything kept forever         ${kb(realTotal)} kB  → ${gb(realTotal * PROVINCE_LEARNERS)} GB a year for ${PROVINCE_LEARNERS.toLocaleString('en')} learners`)
  console.log(`  of which raw progress reports   ${kb(realRaw)} kB  → ${gb(realRaw * PROVINCE_LEARNERS)} GB`)
  console.log(`  with the lifecycle (raw reports ${RAW_RETENTION_DAYS} days, evenly spread; the rest kept) ${kb(withLifecycle)} kB → ${gb(withLifecycle * PROVINCE_LEARNERS)} GB on disk at any time`)
  return { perLearnerBytes: realTotal, rawReportBytes: realRaw, withLifecycleBytes: withLifecycle }
}
