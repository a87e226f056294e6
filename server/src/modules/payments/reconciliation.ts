import fp from 'fastify-plugin'
import { reconcilePendingOrders, type PaymentDeps } from './payments.service.ts'

export interface ReconciliationOptions {
  deps: PaymentDeps
  intervalMs: number
  now: () => Date
}

/**
 * Runs reconciliation (PAY-4) on a timer in each server instance: lost notifications still end
 * paid, and expired orders are closed at WeChat and here. Steps are idempotent, so instances may
 * overlap; the timer never keeps the process alive and stops when the app closes.
 */
export default fp<ReconciliationOptions>(
  async (app, { deps, intervalMs, now }) => {
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      reconcilePendingOrders(deps, now())
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
