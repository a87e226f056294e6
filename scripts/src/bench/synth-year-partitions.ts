import type postgres from 'postgres'

const DAY = 86_400_000
const dayName = (ms: number) => `progress_reports_p${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`

/**
 * Day partitions of progress_reports for a year that has already happened (bench:synth-year). A
 * freshly migrated database has the migration's partitions: the old table attached whole as one
 * partition of everything before the migration day (empty here), then a partition per UTC day
 * ahead, and the default. The empty old-table partition is dropped and the past days get their
 * own partitions, named as the migration and the progress-history job name them, as they would
 * have been a year after the migration. Does nothing when progress_reports is not partitioned.
 */
export async function prepareReportPartitions(sql: postgres.Sql, firstReportMs: number): Promise<number> {
  const [parent] = await sql<{ kind: string }[]>`select relkind as kind from pg_class where oid = 'progress_reports'::regclass`
  if (parent?.kind !== 'p') return 0
  const partitions = await sql<{ name: string; bound: string }[]>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'progress_reports'::regclass`
  for (const p of partitions.filter((x) => x.bound.includes('MINVALUE'))) {
    const [{ n } = { n: 0 }] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${p.name}`)
    if (n > 0) throw new Error(`${p.name} holds ${n} rows: bench:synth-year needs an empty database`)
    await sql.unsafe(`alter table progress_reports detach partition ${p.name}`)
    await sql.unsafe(`drop table ${p.name}`)
  }
  const days = partitions.map((p) => /^progress_reports_p(\d{4})(\d{2})(\d{2})$/.exec(p.name)).filter((m) => m !== null)
  const firstAhead = Math.min(...days.map((m) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))))
  let created = 0
  for (let day = Math.floor(firstReportMs / DAY) * DAY; day < firstAhead; day += DAY) {
    await sql.unsafe(`create table ${dayName(day)} partition of progress_reports for values from ('${new Date(day).toISOString()}') to ('${new Date(day + DAY).toISOString()}')`)
    created += 1
  }
  return created
}
