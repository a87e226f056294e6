import fp from 'fastify-plugin'
import { runWithLease } from '../../db/job-lease.ts'
import { wechatPayErrorSummary } from '../../integrations/wechat/pay/errors.ts'
import { pendingOrdersDue } from '../orders/order-payment.repository.ts'
import { sweepSeatRefunds } from './group-seats.service.ts'
import { syncWithWechat, type PaymentDeps } from './payments.service.ts'

export interface ReconciliationOptions {
  deps: PaymentDeps
  intervalMs: number
  now: () => Date
}

/**
 * One reconciliation pass (PAY-4): pending orders older than a minute are queried (a lost
 * notification still ends paid) and expired ones closed; group seat refunds not yet sent are sent. Several instances may run it; every step
 * is idempotent.
 */
export async function reconcilePendingOrders(deps: PaymentDeps, now: Date, limit = 50): Promise<number> {
  const due = await pendingOrdersDue(deps.db, now, limit)
  for (const order of due) {
    try {
      await syncWithWechat(deps, order, now)
    } catch (error) {
      deps.log.warn({ err: wechatPayErrorSummary(error), outTradeNo: order.outTradeNo }, 'reconciliation step failed')
    }
  }
  // Seat refunds of paid group orders that were not sent, or sent without an answer.
  await sweepSeatRefunds(deps, now)
  return due.length
}

/**
 * Runs reconciliation on a timer in each server instance; one instance at a time does a round (the
 * job's lease in PostgreSQL; steps are idempotent anyway). The timer never keeps the process alive
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
