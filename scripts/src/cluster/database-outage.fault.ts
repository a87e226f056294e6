import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from './cluster.ts'
import { prepareLearners } from '../bench/learners.ts'
import { startProgressLoad, verifyStored } from './progress-load.ts'
import { startTcpProxy } from './tcp-proxy.ts'

// PostgreSQL unreachable mid-load (a restart, a network cut): simulated by cutting a TCP proxy the
// instances connect through — the machine's real PostgreSQL is never stopped. Requests fail fast
// with 503 SERVICE_UNAVAILABLE, readiness fails, the instances reconnect by themselves once it is
// back (same processes), and nothing is half-written.

const POSTGRES = { host: '127.0.0.1', port: 5432 }
let cluster: Cluster
let proxy: Awaited<ReturnType<typeof startTcpProxy>>

beforeAll(async () => {
  proxy = await startTcpProxy(POSTGRES)
  cluster = await startCluster({
    instances: 3,
    logLevel: 'warn',
    databaseUrlFor: (name) => `postgres://postgres@127.0.0.1:${proxy.port}/${name}`,
  })
})
afterAll(async () => {
  await cluster?.stop()
  proxy?.close()
})

async function readiness(): Promise<number[]> {
  return Promise.all(
    cluster.instances.map(async (i) => (await fetch(`http://127.0.0.1:${i.port}/api/health/ready`, { signal: AbortSignal.timeout(10_000) })).status),
  )
}

describe('PostgreSQL unreachable mid-load', () => {
  it('answers 503 fast, recovers without a restart and writes nothing by halves', async () => {
    const jwtSecret = (JSON.parse(fs.readFileSync(path.join(cluster.dir, 'data', 'dev-secrets.json'), 'utf8')) as { jwtSecret: string }).jwtSecret
    const learners = 30
    const load = await startProgressLoad(cluster.url, await prepareLearners(cluster.databaseUrl, jwtSecret, learners), learners)
    const pids = cluster.instances.map((i) => i.process.pid)

    let phase: 'before' | 'down' | 'after' = 'before'
    const downAnswers: Array<{ status: number; code: string; ms: number }> = []
    const stopAt = Date.now() + 12_000
    // Each learner reports every 250 ms; while the database is down each report is resent until acknowledged.
    const running = Promise.all(
      load.learners.map(async (_, w) => {
        while (Date.now() < stopAt) {
          await load.report(w)
          await new Promise((resolve) => setTimeout(resolve, 250))
        }
      }),
    )
    // A probe of our own during the outage: how fast and how the API answers.
    const probe = async () => {
      const l = load.learners[0]!
      const t0 = performance.now()
      const res = await fetch(`${cluster.url}/api/learning/sessions/${l.sessionId}/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${l.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ seq: l.seq, positionSeconds: 0, clientElapsedMs: 0, playing: true }),
      })
      const text = await res.text()
      downAnswers.push({ status: res.status, code: /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? text.slice(0, 40), ms: performance.now() - t0 })
    }

    await new Promise((resolve) => setTimeout(resolve, 3_000))
    phase = 'down'
    await proxy.cut()
    const cutAt = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 500))
    for (let i = 0; i < 6; i++) await probe()
    const readyWhileDown = await readiness()
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const failedWhileDown = load.stats.notAcknowledged
    await proxy.restore()
    phase = 'after'
    const restoredAt = performance.now()
    let readyAgain = await readiness()
    while (readyAgain.some((s) => s !== 200) && performance.now() - restoredAt < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      readyAgain = await readiness()
    }
    const recoveredMs = performance.now() - restoredAt
    await running
    load.close()
    const stored = await verifyStored(cluster.databaseUrl, load.stats)

    const slowest = Math.max(...downAnswers.map((a) => a.ms))
    console.log(
      `[database outage] down ${((restoredAt - cutAt) / 1000).toFixed(1)} s: API answers ${downAnswers.map((a) => `${a.status} ${a.code} in ${a.ms.toFixed(0)} ms`).join('; ')}; ` +
        `readiness while down ${readyWhileDown.join(',')}; all ready again ${recoveredMs.toFixed(0)} ms after restore; ` +
        `reports not acknowledged then resent ${failedWhileDown} (${[...load.stats.failures].map(([k, f]) => `${f.count}× ${k}, slowest ${f.maxMs.toFixed(0)} ms`).join('; ')}); ` +
        `acknowledged ${load.stats.acknowledged.length}, missing ${stored.missing}, sessions disagreeing with their reports ${stored.inconsistent} (phase ${phase})`,
    )

    expect(downAnswers.every((a) => a.status === 503 && a.code === 'SERVICE_UNAVAILABLE')).toBe(true)
    // Fast: a refused connection answers at once; a batch waits at most 5 s for a connection
    // (the reserve deadline, like connect_timeout), never until the proxy's 60 s timeout.
    expect(slowest).toBeLessThan(6_000)
    expect(load.stats.failures.has('504')).toBe(false)
    expect(readyWhileDown.every((s) => s === 503)).toBe(true)
    expect(failedWhileDown).toBeGreaterThan(0)
    expect(readyAgain.every((s) => s === 200)).toBe(true)
    expect(cluster.instances.map((i) => i.process.pid)).toEqual(pids)
    expect(cluster.instances.every((i) => i.process.exitCode === null && i.process.signalCode === null)).toBe(true)
    expect(load.stats.acknowledged.length).toBe(load.learners.reduce((n, l) => n + l.seq, 0))
    expect(stored.missing).toBe(0)
    expect(stored.inconsistent).toBe(0)
  })
})
