import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import { createWechatPayClient } from '../../integrations/wechat/pay/client.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import notifyRoutes from './notify.routes.ts'
import paymentRoutes from './payments.routes.ts'
import type { PaymentDeps } from './payments.service.ts'
import reconciliation from './reconciliation.job.ts'

export interface PaymentsModuleOptions {
  ctx: AppContext
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  /** Told after a refund succeeded (the invoices feature red-letters an issued invoice, INV-3). */
  onRefunded(outTradeNo: string): Promise<void>
  /** Receives the payments dependencies once built (group orders pay and refund through them). */
  provide(deps: PaymentDeps): void
}

/**
 * WeChat Pay: prepay (mounted under /api/orders), WeChat's notifications at the full paths
 * payments.paths.ts names, and the reconciliation job. Mounted at the root for those paths.
 */
const paymentsModule: FeatureModule<PaymentsModuleOptions> = async (app, { ctx, wechatMode, wechat, onRefunded, provide }) => {
  const deps: PaymentDeps = {
    db: ctx.db,
    wechat,
    pay: createWechatPayClient(wechat, { now: () => ctx.now().getTime() }),
    publicBaseUrl: ctx.publicBaseUrl,
    log: ctx.log,
    onRefunded,
  }
  provide(deps)
  await app.register(paymentRoutes, { prefix: '/api/orders', deps, simulator: wechatMode === 'simulator', now: ctx.now })
  await app.register(notifyRoutes, { deps, now: ctx.now })
  if (ctx.runJobs) await app.register(reconciliation, { deps, intervalMs: 60_000, now: ctx.now })
}

export default paymentsModule
