import fp from 'fastify-plugin'
import { runWithLease } from '../../db/job-lease.ts'
import { reconcilePendingOrders, type PaymentDeps } from './payments.service.ts'

export interface ReconciliationOptions {
  deps: PaymentDeps
  intervalMs: number
  now: () => Date
}

/**
 * Runs reconciliation (PAY-4) on a timer in each server instance: lost notifications still end
 * paid, and expired orders are closed at WeChat and here. One instance at a time does a round (the
 * job's lease in PostgreSQL; steps are idempotent anyway); the timer never keeps the process alive
 * and stops when the app closes.
 */
export default fp<ReconciliationOptions>(
  async (app, { deps, intervalMs, now }) => {
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      const at = now()
      runWithLease(deps.db, { name: 'payments-reconciliation', everyMs: intervalMs * 0.9, maxRunMs: 10 * 60_000 }, at, () => reconcilePendingOrders(deps, at))
        .catch((error: unknown) => app.log.error({ err: { type: (error as Error).name } }, 'reconciliation failed'))
        .finally(() => {
          running = false
        })
    }, intervalMs)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'payments-reconciliation' },
)
