import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { InvoiceConfig } from './invoices.config.ts'
import { createInvoiceServices } from './invoices.setup.ts'

export interface InvoicesModuleOptions {
  ctx: AppContext
  config: InvoiceConfig
  /** Receives what payments must call after a refund succeeded (an issued invoice is red-lettered, INV-3). */
  provideOnRefunded(onRefunded: (outTradeNo: string) => Promise<void>): void
}

/** 电子发票: applications, the provider's callbacks, the development mail outbox and the invoice job (mounted at /api). */
const invoicesModule: FeatureModule<InvoicesModuleOptions> = async (app, { ctx, config, provideOnRefunded }) => {
  const invoices = createInvoiceServices({
    config,
    fileLinkKey: ctx.deriveKey('invoice-file-link'),
    db: ctx.db,
    now: ctx.now,
    log: ctx.log,
    publicBaseUrl: ctx.publicBaseUrl,
    runJobs: ctx.runJobs,
  })
  provideOnRefunded(invoices.onRefunded)
  await app.register(invoices.routes, { prefix: '/invoices', deps: invoices.deps })
  await app.register(invoices.callbackRoutes, { prefix: '/invoice-callbacks', deps: invoices.deps })
  if (invoices.devMail) await app.register(invoices.devMail, { prefix: '/dev', db: ctx.db })
  if (ctx.runJobs) await app.register(invoices.job, { deps: invoices.deps })
}

export default invoicesModule
