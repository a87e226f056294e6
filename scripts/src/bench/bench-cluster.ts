/**
 * bench:cluster — bench:progress's load through nginx to 3 instances on one PostgreSQL, directly
 * and through PgBouncer (transaction mode), then the same sustained load with one instance killed
 * (kill -9) halfway. Prints reports/s at capacity, p50/p99 at a fixed sustained rate, what was not
 * acknowledged and resent, and how many acknowledged reports are missing from the database (must
 * be 0). Not a test: figures for docs/deployment.md.
 *
 *   npx -y pnpm@10.34.8 bench:cluster
 *   (BENCH_POSTGRES_URL, BENCH_INSTANCES=3, BENCH_LEARNERS=200, BENCH_DURATION_MS=10000,
 *   BENCH_WARMUP_MS=2000, BENCH_SUSTAINED_RATE=1000, BENCH_MODES=direct,pgbouncer)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { closedLoop, openLoop } from './load.ts'
import { startCluster, type Cluster } from '../cluster/cluster.ts'
import { prepareLearners } from './learners.ts'
import { startProgressLoad, verifyStored } from '../cluster/progress-load.ts'

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 3)
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 200)
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000)
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000)
const RATE = Number(process.env.BENCH_SUSTAINED_RATE ?? 1_000)
const MODES = (process.env.BENCH_MODES ?? 'direct,pgbouncer').split(',') as Array<'direct' | 'pgbouncer'>

function jwtSecretOf(cluster: Cluster): string {
  return (JSON.parse(fs.readFileSync(path.join(cluster.dir, 'data', 'dev-secrets.json'), 'utf8')) as { jwtSecret: string }).jwtSecret
}

function describeFailures(failures: Map<string, { count: number; maxMs: number }>): string {
  if (failures.size === 0) return 'none'
  return [...failures].map(([kind, f]) => `${f.count}× ${kind} (slowest ${f.maxMs.toFixed(0)} ms)`).join(', ')
}

async function runMode(mode: 'direct' | 'pgbouncer') {
  const cluster = await startCluster({
    instances: INSTANCES,
    pgbouncer: mode === 'pgbouncer',
    postgresUrl: process.env.BENCH_POSTGRES_URL,
    logLevel: 'warn',
  })
  try {
    const prepared = await prepareLearners(cluster.databaseUrl, jwtSecretOf(cluster), LEARNERS)
    const load = await startProgressLoad(cluster.url, prepared, LEARNERS)
    const capacity = await closedLoop(LEARNERS, WARMUP_MS, DURATION_MS, (w) => load.report(w))
    const sustained = await openLoop(LEARNERS, RATE, WARMUP_MS, DURATION_MS, (w) => load.report(w))
    const before = { notAcknowledged: load.stats.notAcknowledged, failures: new Map(load.stats.failures) }

    // The same sustained load; one instance is killed (kill -9) halfway through the measured part.
    load.stats.failures.clear()
    const victim = INSTANCES > 1 ? 1 : 0
    let killedAt = 0
    const kill = setTimeout(() => {
      void cluster.kill(victim).then(() => (killedAt = performance.now()))
    }, WARMUP_MS + DURATION_MS / 2)
    const withKill = await openLoop(LEARNERS, RATE, WARMUP_MS, DURATION_MS, (w) => load.report(w))
    clearTimeout(kill)
    load.close()
    const deadPort = cluster.instances[victim]!.port
    const log = cluster.accessLog()
    const killedAtEpoch = Date.now() / 1000 - (performance.now() - killedAt) / 1000
    // Answered 502 by nginx: caught on the instance as it died (nothing else answers 502 here).
    const inFlight = log.filter((l) => l.status === 502 && l.upstream.includes(`:${deadPort}`)).length
    const triedDead = log.filter((l) => l.startedAt > killedAtEpoch && l.upstream.includes(`:${deadPort}`)).length
    const stored = await verifyStored(cluster.databaseUrl, load.stats)

    console.log(`\n== ${INSTANCES} instances behind nginx, ${mode === 'pgbouncer' ? 'through PgBouncer 1.18 (transaction mode, prepared statements off)' : 'direct to PostgreSQL (prepared statements on)'} ==`)
    console.log(`machine                   ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (shared)`)
    console.log(`learners                  ${LEARNERS}; each phase ${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up`)
    console.log(`capacity                  ${capacity.perSecond.toFixed(0)} reports/s (closed loop; p50 ${capacity.p50.toFixed(1)} ms, p99 ${capacity.p99.toFixed(1)} ms)`)
    console.log(`sustained ${RATE}/s        achieved ${sustained.perSecond.toFixed(0)}/s, p50 ${sustained.p50.toFixed(1)} ms, p99 ${sustained.p99.toFixed(1)} ms; not acknowledged: ${describeFailures(before.failures)}`)
    console.log(`  … instance ${victim + 1} killed    achieved ${withKill.perSecond.toFixed(0)}/s, p50 ${withKill.p50.toFixed(1)} ms, p99 ${withKill.p99.toFixed(1)} ms; not acknowledged then resent: ${describeFailures(load.stats.failures)}`)
    console.log(`  nginx                   ${inFlight} request(s) in flight on the killed instance (answered 502, resent); after the kill ${triedDead} new request(s) tried it (then went to the next instance)`)
    console.log(`acknowledged reports      ${load.stats.acknowledged.length} (stored ${stored.stored})`)
    console.log(`missing from database     ${stored.missing} (must be 0); sessions disagreeing with their reports: ${stored.inconsistent}`)
    return { mode, capacity, sustained, withKill, missing: stored.missing }
  } finally {
    await cluster.stop()
  }
}

const results = []
for (const mode of MODES) results.push(await runMode(mode))
const lost = results.reduce((n, r) => n + r.missing, 0)
console.log(`\nacknowledged reports missing, all runs: ${lost}`)
if (lost > 0) process.exitCode = 1
