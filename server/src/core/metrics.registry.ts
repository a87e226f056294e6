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

export const noticesSent = new Counter({
  name: 'notices_sent_total',
  help: 'WeChat notices WeChat accepted, by notice kind and channel (template, subscribe)',
  labelNames: ['kind', 'channel'] as const,
  registers: [registry],
})

export const noticesDropped = new Counter({
  name: 'notices_dropped_total',
  help: 'WeChat notices given up, by reason (not_following, no_subscription, bad_field, bad_template, no_openid …)',
  labelNames: ['reason'] as const,
  registers: [registry],
})

let queuedNotices: (() => Promise<number>) | null = null
/** The notices feature tells how to count its queue; read at each scrape. */
export function watchNoticeQueue(count: () => Promise<number>): () => void {
  queuedNotices = count
  return () => void (queuedNotices === count && (queuedNotices = null))
}
new Gauge({
  name: 'notices_queued',
  help: 'WeChat notices waiting in the outbox (queued or being sent)',
  registers: [registry],
  async collect() {
    this.set(queuedNotices ? await queuedNotices().catch(() => 0) : 0)
  },
})

export const progressSessionsCompacted = new Counter({
  name: 'progress_sessions_compacted_total',
  help: 'Playback sessions compacted into credited_segments (docs/learning.md, "What is kept for good")',
  registers: [registry],
})

export const progressPartitionsDropped = new Counter({
  name: 'progress_partitions_dropped_total',
  help: 'Day partitions of progress_reports detached and dropped after the retention',
  registers: [registry],
})

/** Set by the progress-history job at each round (docs/deployment.md, "Keeping progress_reports small"). */
export const progressHistoryState = {
  compactionLag: new Gauge({
    name: 'progress_compaction_lag_seconds',
    help: 'Since the oldest ended session not compacted yet ended (0 when none waits)',
    registers: [registry],
  }),
  partitionsWaiting: new Gauge({
    name: 'progress_partitions_waiting',
    help: 'Partitions past the retention kept because sessions with rows in them are not compacted yet',
    registers: [registry],
  }),
  partitionsAheadDays: new Gauge({
    name: 'progress_partitions_ahead_days',
    help: 'Days ahead of now covered by progress_reports partitions (reports fail past the last one: alert below 3)',
    registers: [registry],
  }),
}
