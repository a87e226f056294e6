import fp from 'fastify-plugin'
import type { PoolStats } from '../db/pool-stats.ts'
import { httpRequestDuration, paymentNotifications, watchPool } from '../core/metrics.registry.ts'

function notificationOutcome(status: number): string {
  if (status < 300) return 'acknowledged'
  return status < 500 ? 'refused' : 'failed'
}

/**
 * Records every request's latency by route pattern, with its request id as the exemplar (the same
 * id as the `reqId` of its log lines and the x-request-id answer header), and the outcome of WeChat
 * Pay notifications. Exposed only by the metrics listener (metrics-server.ts), never under /api.
 */
export interface MetricsOptions {
  poolStats: PoolStats | null
  /** Route path → notification kind (`transaction`, `refund`): the paths WeChat Pay posts to, given by the composition. */
  notificationRoutes: Record<string, string>
}

export default fp<MetricsOptions>(
  async (app, { poolStats, notificationRoutes }) => {
    if (poolStats) {
      const unwatch = watchPool(poolStats)
      app.addHook('onClose', async () => unwatch())
    }
    // A callback hook, not an async one: it runs for every request, and an async hook costs a promise each time.
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched'
      const status = reply.statusCode
      httpRequestDuration.observe({
        labels: { method: request.method, route, status: String(status) },
        value: reply.elapsedTime / 1000,
        // prom-client types exemplar labels like metric labels; request_id is an exemplar-only label.
        exemplarLabels: { request_id: String(request.id) } as never,
      })
      const kind = notificationRoutes[route]
      if (kind) paymentNotifications.inc({ kind, outcome: notificationOutcome(status) })
      done()
    })
  },
  { name: 'metrics' },
)
