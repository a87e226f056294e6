import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { AppDb } from '../../db/client.ts'
import { createDevInvoiceProvider } from '../../integrations/invoice/dev-provider.ts'
import { createNuonuoProvider } from '../../integrations/invoice/nuonuo.ts'
import type { InvoiceProvider } from '../../integrations/invoice/provider.ts'
import { createDevMailOutbox } from '../../integrations/mail/dev-outbox.ts'
import devMailRoutes from './dev-mail.routes.ts'
import invoiceCallbackRoutes from './invoice-callback.routes.ts'
import type { InvoiceConfig } from './invoices.config.ts'
import { createInvoiceJobRunner } from './invoices.job.ts'
import invoiceRoutes from './invoices.routes.ts'
import { reverseForRefundedOrder } from './invoices.service.ts'
import type { InvoiceDeps, InvoiceLog } from './invoices.types.ts'
import { databaseTokenStore } from './provider-token.adapter.ts'
import staffInvoiceRoutes from './staff-invoices.routes.ts'

/** The job looks for due documents this often (and at once after an application). */
const JOB_INTERVAL_MS = 5_000

/** The configured provider; with a database, 诺诺's access token is shared by the deployment (provider-token.adapter.ts). */
export function createInvoiceProvider(config: InvoiceConfig, callbackUrl: string, now: () => Date, db?: AppDb): InvoiceProvider {
  if (config.provider === 'development' || !config.nuonuo) return createDevInvoiceProvider(now)
  return createNuonuoProvider(
    { ...config.nuonuo, sellerName: config.sellerName, sellerTaxpayerId: config.sellerTaxpayerId, callbackUrl },
    { now: () => now().getTime(), ...(db ? { tokenStore: databaseTokenStore(db, 'nuonuo', now) } : {}) },
  )
}

/** Wires the invoices module: provider, mail, job, routes. */
export function createInvoiceServices(input: {
  config: InvoiceConfig
  fileLinkKey: string
  db: AppDb
  now: () => Date
  log: InvoiceLog
  publicBaseUrl: string
  runJobs: boolean
}) {
  const runner = createInvoiceJobRunner(JOB_INTERVAL_MS)
  const provider = createInvoiceProvider(input.config, `${input.publicBaseUrl}/api/invoice-callbacks/${input.config.provider}`, input.now, input.db)
  const deps: InvoiceDeps = {
    db: input.db,
    provider,
    // No mail service is wired yet: the outbox stands in (docs/invoices.md).
    mail: createDevMailOutbox(input.db),
    settings: {
      seller: { name: input.config.sellerName, taxpayerId: input.config.sellerTaxpayerId },
      itemName: input.config.itemName,
      taxCode: input.config.taxCode,
      taxRateBasisPoints: input.config.taxRateBasisPoints,
    },
    fileLinkKey: input.fileLinkKey,
    now: input.now,
    log: input.log,
    kick: input.runJobs ? runner.kick : () => {},
  }
  const onRefunded = async (outTradeNo: string) => void (await reverseForRefundedOrder(deps, outTradeNo))
  return { deps, onRefunded, routes: invoiceRoutes, callbackRoutes: invoiceCallbackRoutes, job: runner.plugin, devMail: devMailRoutes }
}

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
  await app.register(staffInvoiceRoutes, { prefix: '/staff/invoices', deps: invoices.deps })
  if (invoices.devMail) await app.register(invoices.devMail, { prefix: '/dev', db: ctx.db })
  if (ctx.runJobs) await app.register(invoices.job, { deps: invoices.deps })
}

export default invoicesModule