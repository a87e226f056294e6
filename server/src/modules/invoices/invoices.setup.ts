import type { AppDb } from '../../db/client.ts'
import type { InvoiceConfig } from './invoices.config.ts'
import { createDevInvoiceProvider } from '../../integrations/invoice/dev-provider.ts'
import { createNuonuoProvider } from '../../integrations/invoice/nuonuo.ts'
import type { InvoiceProvider } from '../../integrations/invoice/provider.ts'
import { createDevMailOutbox } from '../../integrations/mail/dev-outbox.ts'
import devMailRoutes from './dev-mail.routes.ts'
import invoiceCallbackRoutes from './invoice-callback.routes.ts'
import { createInvoiceJobRunner } from './invoice-job.plugin.ts'
import invoiceRoutes from './invoices.routes.ts'
import { databaseTokenStore } from './provider-token.ts'
import { reverseForRefundedOrder } from './invoices.service.ts'
import type { InvoiceDeps, InvoiceLog } from './invoices.types.ts'

/** The job looks for due documents this often (and at once after an application). */
const JOB_INTERVAL_MS = 5_000

/** The configured provider; with a database, 诺诺's access token is shared by the deployment (provider-token.ts). */
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
