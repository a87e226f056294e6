/**
 * bench:synth-year — one year of history for a scaled population, written with COPY into a fresh
 * PostgreSQL database (or the empty one given), deterministic for a seed: learners (ID numbers and
 * phones sealed, blind indexes) in units across the 区县, individual and group orders with their
 * payments, enrolments, sign-in sessions, playback sessions with a report per 10 s of credited
 * video (in day partitions) and their compacted credited segments, 防挂机 answers, chapter
 * progress, course completions and certificates consistent with them. Indexes end as the migrations define them. Prints rows and time per table, then table and
 * index sizes per learner-year and their projection to the province (docs/deployment.md).
 *
 *   pnpm bench:synth-year [-- --learners 20000 --seed 2026 --minutes-per-hour 4 --streams 2]
 *     [--database-url postgres://…/empty_db] [--keep]
 *
 * `--minutes-per-hour`: video minutes per 学时 (45 is real; the default 4 gives ~30 million report
 * rows for 20,000 learners in minutes, and the sizes are projected to 45). Without --database-url a
 * scratch database on BENCH_DATABASE_URL is made and dropped at the end unless --keep (then its URL
 * is printed for bench:progress --database-url and bench:history-reads).
 */
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { createDatabase, SAMPLE_PERSONAL_DATA_KEYS, usePersonalDataKeys } from '@app/server/commands'
import { createScratchDatabase } from './database.ts'
import { buildCatalogue, buildUnits } from './synth-year-catalogue.ts'
import { copyInto, withIndexesRebuilt } from './synth-year-copy.ts'
import { prepareReportPartitions } from './synth-year-partitions.ts'
import { drawPopulation, YEAR_START } from './synth-year-plan.ts'
import { printSizes, tableSizes } from './synth-year-sizes.ts'
import { catalogueLoads, FINANCE_STAFF_ID, populationLoads, type TableLoad } from './synth-year-tables.ts'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    learners: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '2026' },
    'minutes-per-hour': { type: 'string', default: '4' },
    streams: { type: 'string', default: '2' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
})
const LEARNERS = Math.max(100, Number(values.learners))
const SEED = Number(values.seed)
const MINUTES_PER_HOUR = Math.max(1, Number(values['minutes-per-hour']))
const STREAMS = Math.max(1, Number(values.streams))
/** Big tables: loaded by parallel streams into the table without its indexes, which are built once afterwards. */
const BULK = new Set(['progress_reports', 'anti_idle_answers', 'chapter_progress', 'playback_sessions'])
/** Tables a foreign key points at keep their indexes while loading (a referenced key cannot be dropped). */
const REFERENCED = new Set(['playback_sessions'])

async function load(sql: postgres.Sql, t: TableLoad): Promise<number> {
  const streams = BULK.has(t.table) ? STREAMS : 1
  const run = async () => (await Promise.all(Array.from({ length: streams }, (_, k) => copyInto(sql, t.table, t.columns, t.produce(k, streams))))).reduce((a, b) => a + b, 0)
  return BULK.has(t.table) && !REFERENCED.has(t.table) ? withIndexesRebuilt(sql, t.table, run) : run()
}

async function main() {
  const scratch = values['database-url'] ? null : await createScratchDatabase(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'synth_year')
  const url = values['database-url'] ?? scratch!.url
  const database = await createDatabase({ url, max: 2 })
  await database.migrate()
  await database.close()
  usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
  const sql = postgres(url, { max: STREAMS + 12, onnotice: () => {} })
  let keep = values.keep
  try {
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from users`
    if (n > 0) throw new Error(`${url} already holds ${n} users: give an empty (migrated or new) database`)
    const catalogue = buildCatalogue(SEED, MINUTES_PER_HOUR)
    const population = drawPopulation(SEED, LEARNERS, catalogue.projects, buildUnits(SEED, LEARNERS))
    const questionJson = new Map(catalogue.questionRows.map((q) => [q.id, JSON.stringify({ id: q.id, prompt: q.prompt, options: q.options })]))
    await sql`insert into staff_users (id, username, password_hash, role) values (${FINANCE_STAFF_ID}, 'synth.finance', 'scrypt$disabled', 'finance')`
    console.log(`synthetic year: ${LEARNERS.toLocaleString('en')} learners, ${population.units.length} units, seed ${SEED}, ${MINUTES_PER_HOUR} min of video per 学时, ${STREAMS} COPY streams for the big tables`)
    const partitions = await prepareReportPartitions(sql, YEAR_START)
    if (partitions) console.log(`  progress_reports: ${partitions} day partitions made for the year (partitioned by day, as the migrations make it)`)
    const started = performance.now()
    // Tables side by side in groups (they share each learner's drawn year), the reports alone.
    const loads = [...catalogueLoads(catalogue), ...populationLoads(population, questionJson)]
    const groups = [loads.filter((t) => !t.reportsPhase && t.table !== 'progress_reports'), loads.filter((t) => t.reportsPhase), loads.filter((t) => t.table === 'progress_reports')]
    for (const group of groups) {
      await Promise.all(
        group.map(async (t) => {
          const t0 = performance.now()
          const rows = await load(sql, t)
          const seconds = (performance.now() - t0) / 1000
          console.log(`  ${t.table.padEnd(24)} ${rows.toLocaleString('en').padStart(12)} rows in ${seconds.toFixed(1).padStart(6)} s (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en')} rows/s)`)
        }),
      )
    }
    // Serial columns continue after the ids written here (the server inserts after them).
    const serials = await sql<{ table: string }[]>`
      select table_name as table from information_schema.columns
      where table_schema = 'public' and column_name = 'id' and column_default like 'nextval(%'`
    for (const { table } of serials) await sql.unsafe(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from ${table}), 1))`)
    const loaded = (performance.now() - started) / 1000
    const v0 = performance.now()
    // Statistics and the visibility map as autovacuum would leave them on a live database.
    await sql`vacuum (analyze)`
    console.log(`loaded in ${loaded.toFixed(0)} s; vacuum analyze ${((performance.now() - v0) / 1000).toFixed(0)} s`)
    printSizes(await tableSizes(sql), LEARNERS, MINUTES_PER_HOUR)
    if (keep && scratch) console.log(`\nkept: ${url}  (drop it with: psql ${url.replace(/\/[^/]*$/, '/postgres')} -c 'drop database ${scratch.name}')`)
  } catch (error) {
    keep = false
    throw error
  } finally {
    await sql.end({ timeout: 5 })
    if (scratch) await (keep ? scratch.keep() : scratch.drop())
  }
}

await main()
