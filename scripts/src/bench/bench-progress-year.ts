/**
 * bench:progress-year — bench:progress on an empty database and on the synthetic year
 * (bench:synth-year --keep), run alternately (--rounds of each, so the machine's drift hits both
 * alike), and their figures side by side. Issue #26 asks the ratio to the bare route and the
 * sustained p99 to stay within 10 % of the empty database's.
 *
 *   pnpm bench:progress-year -- --database-url postgres://postgres@127.0.0.1:5432/synth_year_… [--rounds 2]
 *   (BENCH_* variables are passed on to bench:progress)
 */
import { spawnSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { REPO_ROOT } from './processes.ts'

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { 'database-url': { type: 'string' }, rounds: { type: 'string', default: '2' } } })
const yearUrl = values['database-url']
if (!yearUrl) throw new Error('--database-url: the synthetic year (bench:synth-year -- --keep prints it)')
const ROUNDS = Math.max(1, Number(values.rounds))

interface Figures { reportsPerSecond: number; ratio: number; sustainedP50: number; sustainedP99: number; serverCpuUs: number; databaseCpuUs: number; missing: number; load: number }

/** One bench:progress run; its own output is shown as it is, and its figures read from it. */
function runOnce(label: string, env: Record<string, string>): Figures {
  console.log(`\n--- bench:progress on ${label} ---`)
  const load = loadavg()[0]!
  // Raw reports kept for the run: the progress-history job must not drop the year's partitions
  // while it is measured (the year as it would stand without the lifecycle: the largest table).
  const keep = { PROGRESS_RAW_RETENTION_DAYS: '3650' }
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/bench/bench-progress.ts'], { cwd: path.join(REPO_ROOT, 'scripts'), env: { ...process.env, ...keep, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  process.stdout.write(run.stdout)
  if (run.status !== 0) throw new Error(`bench:progress on ${label} failed (${run.status}): ${run.stderr.slice(-2000)}`)
  const number = (pattern: RegExp) => {
    const m = pattern.exec(run.stdout)
    if (!m) throw new Error(`bench:progress output lacks ${pattern}`)
    return Number(m[1])
  }
  return {
    reportsPerSecond: number(/progress reports\/s\s+(\d+)/),
    ratio: number(/^ratio\s+([\d.]+)/m),
    sustainedP50: number(/latency p50 \/ p99\s+([\d.]+) ms/),
    sustainedP99: number(/latency p50 \/ p99\s+[\d.]+ ms \/ ([\d.]+) ms/),
    serverCpuUs: number(/CPU per report\s+server (\d+)/),
    databaseCpuUs: number(/CPU per report\s+server \d+ µs, database (\d+)/),
    missing: number(/missing from database\s+(\d+)/),
    load,
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const empty: Figures[] = []
const year: Figures[] = []
for (let round = 0; round < ROUNDS; round++) {
  empty.push(runOnce(`an empty database (round ${round + 1})`, {}))
  year.push(runOnce(`the synthetic year (round ${round + 1})`, { BENCH_USE_DATABASE_URL: yearUrl }))
}

const rows: [string, (f: Figures) => number, number][] = [
  ['reports/s at capacity', (f) => f.reportsPerSecond, 0],
  ['ratio to the bare route', (f) => f.ratio, 3],
  ['sustained p50 (ms)', (f) => f.sustainedP50, 1],
  ['sustained p99 (ms)', (f) => f.sustainedP99, 1],
  ['CPU/report server (µs)', (f) => f.serverCpuUs, 0],
  ['CPU/report database (µs)', (f) => f.databaseCpuUs, 0],
  ['missing reports', (f) => f.missing, 0],
  ['1-min load at start', (f) => f.load, 1],
]
console.log(`\nbench:progress, mean of ${ROUNDS} run(s) each, alternated, on ${cpus().length} cores (a shared machine: compare within a run)`)
console.log(`${''.padEnd(28)}${'empty'.padStart(12)}${'year'.padStart(12)}${'year/empty'.padStart(12)}   runs (empty | year)`)
for (const [label, get, digits] of rows) {
  const e = mean(empty.map(get))
  const y = mean(year.map(get))
  console.log(`${label.padEnd(28)}${e.toFixed(digits).padStart(12)}${y.toFixed(digits).padStart(12)}${(e ? (y / e).toFixed(2) : '–').padStart(12)}   ${empty.map(get).map((v) => v.toFixed(digits)).join(', ')} | ${year.map(get).map((v) => v.toFixed(digits)).join(', ')}`)
}
const ratioDrop = 1 - mean(year.map((f) => f.ratio)) / mean(empty.map((f) => f.ratio))
const p99Rise = mean(year.map((f) => f.sustainedP99)) / mean(empty.map((f) => f.sustainedP99)) - 1
console.log(`\nratio ${ratioDrop >= 0 ? 'lower' : 'higher'} by ${(Math.abs(ratioDrop) * 100).toFixed(1)} % on the year, p99 ${p99Rise >= 0 ? 'higher' : 'lower'} by ${(Math.abs(p99Rise) * 100).toFixed(1)} % (issue #26: within 10 %)`)
