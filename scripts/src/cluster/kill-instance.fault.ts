import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLoop } from '../bench/load.ts'
import { startCluster, type Cluster } from './cluster.ts'
import { prepareLearners } from '../bench/learners.ts'
import { startProgressLoad, verifyStored } from './progress-load.ts'

// kill -9 of one instance under progress load: no acknowledged report is lost, what was not
// acknowledged is resent by the client (as the H5's queue does) and acknowledged by another
// instance, and nginx stops sending to the dead one.

let cluster: Cluster
beforeAll(async () => {
  cluster = await startCluster({ instances: 3, logLevel: 'warn' })
})
afterAll(async () => {
  await cluster?.stop()
})

describe('kill -9 of one instance under progress load', () => {
  it('loses no acknowledged report and nginx takes the dead instance out', async () => {
    const jwtSecret = (JSON.parse(fs.readFileSync(path.join(cluster.dir, 'data', 'dev-secrets.json'), 'utf8')) as { jwtSecret: string }).jwtSecret
    const learners = 40
    const load = await startProgressLoad(cluster.url, await prepareLearners(cluster.databaseUrl, jwtSecret, learners), learners)
    const victim = cluster.instances[1]!
    let killedAt = 0
    const timer = setTimeout(() => {
      // From the moment the process is gone (its sockets closed): until then nginx still reaches it.
      void cluster.kill(1).then(() => (killedAt = Date.now() / 1000))
    }, 4_000)
    // 120 reports/s for 8 s; the kill comes halfway.
    const run = await openLoop(learners, 120, 0, 8_000, (w) => load.report(w, Infinity))
    clearTimeout(timer)
    load.close()

    const stored = await verifyStored(cluster.databaseUrl, load.stats)
    // Requests that arrived after the kill (those in flight at that moment were answered 502).
    const afterKill = cluster.accessLog().filter((l) => l.startedAt > killedAt && l.uri.includes('/reports'))
    const triedDead = afterKill.filter((l) => l.upstream.includes(`:${victim.port}`))
    const served = new Map<string, number>()
    for (const l of afterKill) {
      const last = l.upstream.split(', ').at(-1) ?? ''
      served.set(last, (served.get(last) ?? 0) + 1)
    }
    console.log(
      `[kill -9] ${run.count} reports in 8 s (p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms); acknowledged ${load.stats.acknowledged.length}, ` +
        `not acknowledged then resent ${load.stats.notAcknowledged} (${[...load.stats.failures].map(([k, f]) => `${f.count}× ${k}`).join(', ') || 'none'}); ` +
        `missing ${stored.missing}; after the kill nginx tried the dead instance ${triedDead.length}× and served ${[...served].map(([u, n]) => `${u}: ${n}`).join(', ')}`,
    )

    expect(victim.process.signalCode).toBe('SIGKILL')
    expect(load.stats.acknowledged.length).toBe(load.learners.reduce((n, l) => n + l.seq, 0))
    expect(stored.missing).toBe(0)
    expect(stored.inconsistent).toBe(0)
    // The dead instance is marked failed on its first refused connection (max_fails=1): the few
    // requests that tried it went on to the next instance, and none was served by it.
    expect(triedDead.length).toBeLessThanOrEqual(3)
    expect(served.has(`127.0.0.1:${victim.port}`)).toBe(false)
    expect(afterKill.filter((l) => l.status === 200).length).toBeGreaterThan(100)
  })
})
