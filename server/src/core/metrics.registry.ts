import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type OpenMetricsContentType } from 'prom-client'
import type { PoolStats } from '../db/pool-stats.ts'

/**
 * The process's Prometheus metrics, one set per process (prom-client metrics are registered once).
 * OpenMetrics format, so latency observations carry the request id as an exemplar: a slow bucket
 * leads to the log lines of the request that landed in it (their `reqId` field).
 */
export const registry = new Registry<OpenMetricsContentType>()
registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
collectDefaultMetrics({ register: registry })

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Request latency by route (the route pattern, never the raw URL)',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  enableExemplars: true,
  registers: [registry],
})

const progressReports = new Counter({
  name: 'progress_reports_total',
  help: 'Progress reports by crediting decision (credited, too_fast, stale, session_budget, …): cheat attempts show here',
  labelNames: ['decision'] as const,
  registers: [registry],
})

const progressBatchSize = new Histogram({
  name: 'progress_batch_size',
  help: 'Progress reports per database transaction (micro-batch)',
  buckets: [1, 2, 5, 10, 20, 40, 80, 120, 160, 200],
  registers: [registry],
})

export const paymentNotifications = new Counter({
  name: 'payment_notifications_total',
  help: 'WeChat Pay notifications by kind and outcome (acknowledged, refused, failed: WeChat retries the last two)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
})

export const smsSends = new Counter({
  name: 'sms_sends_total',
  help: 'SMS verification codes by purpose and outcome',
  labelNames: ['purpose', 'outcome'] as const,
  registers: [registry],
})

/** Crediting decision of one progress report (`credited`, or the reason nothing was). */
export function countCreditingDecision(decision: string): void {
  progressReports.inc({ decision })
}

/** Size of one progress batch (one transaction). */
export function observeProgressBatch(size: number): void {
  progressBatchSize.observe(size)
}

const pools = new Set<PoolStats>()
/** Database pool use of this process's PostgreSQL clients, read at each scrape. */
export function watchPool(stats: PoolStats): () => void {
  pools.add(stats)
  return () => pools.delete(stats)
}
const sum = (pick: (s: PoolStats) => number) => [...pools].reduce((total, s) => total + pick(s), 0)
new Gauge({ name: 'db_pool_max_connections', help: 'Connections the instance may open', registers: [registry], collect() { this.set(sum((s) => s.max)) } })
new Gauge({ name: 'db_queries_in_flight', help: 'Queries sent and not yet answered', registers: [registry], collect() { this.set(sum((s) => s.queriesInFlight)) } })
new Gauge({ name: 'db_connections_reserved', help: 'Connections held by progress-batch transactions', registers: [registry], collect() { this.set(sum((s) => s.reserved)) } })
