import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { startMetricsServer, type MetricsServer } from '../../plugins/metrics-server.ts'

let t: TestApp
let metrics: MetricsServer
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
  metrics = await startMetricsServer('127.0.0.1', 0)
})
afterAll(async () => {
  await metrics.close()
  await t.close()
})

describe('liveness, readiness and metrics', () => {
  it('is live and ready on a migrated database', async () => {
    expect((await fetch(`${t.baseUrl}/api/health/live`)).status).toBe(200)
    const ready = await fetch(`${t.baseUrl}/api/health/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready' })
  })

  it('is not ready while a migration is pending', async () => {
    // As if the newest migration had not run: its row in drizzle's journal table is gone.
    const removed = rowsOf(await t.database.db.execute(
      'delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations) returning hash, created_at',
    ))[0] as { hash: string; created_at: string }
    const ready = await fetch(`${t.baseUrl}/api/health/ready`)
    expect(ready.status).toBe(503)
    expect(((await ready.json()) as { code: string; message: string }).code).toBe('SERVICE_UNAVAILABLE')
    expect((await fetch(`${t.baseUrl}/api/health/live`)).status).toBe(200)
    await t.database.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${removed.hash}, ${removed.created_at})`)
    expect((await fetch(`${t.baseUrl}/api/health/ready`)).status).toBe(200)
  })

  it('serves metrics only on the private listener, with the request id as the latency exemplar', async () => {
    const answered = await fetch(`${t.baseUrl}/api/health/live`, { headers: { 'x-request-id': 'probe-request-0001' } })
    expect(answered.headers.get('x-request-id')).toBe('probe-request-0001')
    // The public port knows no /metrics (the H5's page fallback answers instead).
    expect(await (await fetch(`${t.baseUrl}/metrics`)).text()).not.toContain('http_request_duration_seconds')
    const scrape = await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text()
    expect(scrape).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/health\/live"[^}]*\} \d+ # \{request_id="probe-request-0001"\}/)
    expect(scrape).toContain('# TYPE progress_reports counter')
    expect(scrape).toContain('# TYPE sms_sends counter')
    expect(scrape).toContain('# TYPE payment_notifications counter')
  })
})
