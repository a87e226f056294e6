/**
 * bench:uploads — hostile sheets against a running server (docs/security.md, uploads). Starts the built
 * server on a scratch PostgreSQL database and, while three hostile uploads are kept in flight at
 * once (each sent again as soon as it is refused), probes `/api/health` 20 times a second and sends
 * progress reports from 20 learners every second each (the same probes run first without uploads). The three files:
 *   - a zip bomb .xlsx (≈300 KB, its worksheet inflating to 300 MB);
 *   - an .xlsx of 1,000,000 rows (under the 5 MB upload cap);
 *   - a 50 MB .csv, sent chunked (no Content-Length), so only the streaming cap can stop it.
 * Prints /api/health and progress-report latency (p50/p99/max) before and during the uploads, the
 * server's peak RSS, and the time to refuse each file (with its code).
 * Targets: health p99 < 100 ms; RSS < 400 MB; each file refused in < 2 s.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm bench:uploads
 *   (also BENCH_DURATION_MS, default 15000, for each of the two windows)
 */
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createDatabase, saveStaffUser } from '@app/server/commands'
import { hugeCsv, manyRowsXlsx, zipBombXlsx } from '@app/server/testing'
import { createScratchDatabase } from './database.ts'
import type { Hostile, Refusal } from './hostile-uploader.ts'
import { openPlayback, postReport, prepareLearners } from './learners.ts'
import { createClient, openLoop, percentileOf, watchRss } from './load.ts'
import { buildServer, freePort, REPO_ROOT, startNode, stop, waitForHttp } from './processes.ts'

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 15_000)
/** The quiet window before the uploads is as long as the one during them, so the two compare. */
const BASELINE_MS = DURATION_MS
const LEARNERS = 20
/** /api/health: 20 probes a second, from 4 connections (each every 200 ms). */
const HEALTH_PROBES = 4
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const jwtSecret = randomBytes(32).toString('base64url')
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const ms = (value: number) => `${value.toFixed(1)} ms`

async function main() {
  console.log('making the hostile files …')
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-uploads-'))
  const made: Array<Omit<Hostile, 'path'> & { body: Buffer }> = [
    { label: 'zip bomb .xlsx', fileName: '名单.xlsx', type: XLSX, body: await zipBombXlsx(300 * 1024 * 1024), chunked: false },
    { label: '1,000,000-row .xlsx', fileName: '名单.xlsx', type: XLSX, body: await manyRowsXlsx(1_000_000, { references: false }), chunked: false },
    { label: '50 MB .csv (chunked)', fileName: '名单.csv', type: 'text/csv', body: hugeCsv(50 * 1024 * 1024), chunked: true },
  ]
  const files: Hostile[] = made.map(({ body, ...file }, i) => {
    const spec = { ...file, path: path.join(dir, `file${i}`) }
    writeFileSync(spec.path, body)
    writeFileSync(`${spec.path}.json`, JSON.stringify(spec))
    console.log(`  ${file.label.padEnd(22)} ${(body.length / 1024).toFixed(0)} KB`)
    return spec
  })

  const scratch = await createScratchDatabase(baseUrl, 'bench_uploads')
  const port = await freePort()
  buildServer()
  const server = startNode(
    'dist/server.mjs',
    [],
    {
      DATABASE_URL: scratch.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: path.join(os.tmpdir(), scratch.name),
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'warn',
      ANTI_IDLE_INTERVAL_SECONDS: '3600-3600',
    },
    path.join(REPO_ROOT, 'server'),
  )
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`)
    const database = await createDatabase({ url: scratch.url, max: 2 })
    await saveStaffUser(database.db, { username: 'bench.operator', password: 'bench-Password-2025', role: 'operator', resetExisting: false })
    await database.close()
    const signIn = await fetch(`http://127.0.0.1:${port}/api/staff/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.operator', password: 'bench-Password-2025' }) })
    const { token } = (await signIn.json()) as { token: string }

    const prepared = await prepareLearners(scratch.url, jwtSecret, LEARNERS)
    const client = createClient(`http://127.0.0.1:${port}`, LEARNERS)
    // Health has its own connections: a slow report never holds a health probe back in the client.
    const healthClient = createClient(`http://127.0.0.1:${port}`, HEALTH_PROBES)
    const playing = await Promise.all(prepared.learners.map((l) => openPlayback(client, l, prepared.chapter.id)))
    const maxPosition = prepared.chapter.duration_seconds - 1
    const probes = (durationMs: number) =>
      Promise.all([
        openLoop(HEALTH_PROBES, 20, 0, durationMs, async () => (await healthClient.request('GET', '/api/health')).status === 200),
        // Each learner reports every second (ten times the H5's rate), a load this server keeps up with.
        openLoop(LEARNERS, LEARNERS, 0, durationMs, async (w) => {
          const learner = playing[w]!
          learner.seq += 1
          return (await postReport(client, learner, maxPosition)).status === 200
        }),
      ])

    console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores (other work on the machine shows in every figure)`)
    const rss = watchRss(server.pid as number, 25)
    const [healthBefore, reportsBefore] = await probes(BASELINE_MS)
    const rssBefore = rss.stop()

    const rssDuring = watchRss(server.pid as number, 25)
    const uploader = spawn(process.execPath, ['--import', 'tsx', 'src/bench/hostile-uploader.ts', String(port), token, String(Date.now() + DURATION_MS), ...files.map((f) => `${f.path}.json`)], {
      cwd: path.join(REPO_ROOT, 'scripts'),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    // The attacker's CPU is not the server's: on this one machine the uploader runs at nice 19.
    if (uploader.pid) os.setPriority(uploader.pid, 19)
    let output = ''
    uploader.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    const uploaded = new Promise<void>((resolve) => uploader.once('exit', () => resolve()))
    // The uploader starts (tsx) within a second or two; the probes cover its whole run.
    const [health, reports] = await probes(DURATION_MS)
    await uploaded
    const refusals = JSON.parse(output || '[]') as Refusal[][]
    const peakRss = rssDuring.stop()
    client.close()
    healthClient.close()

    console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    console.log(`\nbaseline (${BASELINE_MS / 1000} s, no uploads)`)
    console.log(`  /api/health            p50 ${ms(healthBefore.p50)} / p99 ${ms(healthBefore.p99)} (failed ${healthBefore.failures})`)
    console.log(`  progress reports       p50 ${ms(reportsBefore.p50)} / p99 ${ms(reportsBefore.p99)} (failed ${reportsBefore.failures})`)
    console.log(`  server RSS             ${rssBefore.toFixed(0)} MB`)
    console.log(`\nwith three hostile uploads in flight (${DURATION_MS / 1000} s)`)
    console.log(`  /api/health            p50 ${ms(health.p50)} / p99 ${ms(health.p99)} / max ${ms(health.slowest.latencyMs)} (failed ${health.failures}; target p99 < 100 ms)`)
    console.log(`  progress reports       p50 ${ms(reports.p50)} / p99 ${ms(reports.p99)} / max ${ms(reports.slowest.latencyMs)} (${reports.count} answered, failed ${reports.failures})`)
    console.log(`  server peak RSS        ${peakRss.toFixed(0)} MB (target < 400 MB)`)
    console.log('  time to refuse (each upload from first byte sent to the answer; target < 2 s):')
    files.forEach((file, i) => {
      const runs = refusals[i] ?? []
      const times = runs.map((r) => r.ms)
      const codes = [...new Set(runs.map((r) => `${r.status} ${r.code}`))].join(', ')
      console.log(`    ${file.label.padEnd(22)} ${runs.length} uploads, p50 ${ms(percentileOf(times, 50))} / max ${ms(Math.max(...times))} → ${codes}`)
      console.log(`    ${''.padEnd(22)} 「${runs[0]?.message ?? ''}」`)
    })
  } finally {
    await stop(server)
    await scratch.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
