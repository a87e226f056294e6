import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import bulkRegistrationConsoleRoutes from './bulk-registration-console.routes.ts'
import bulkRegistrationRoutes from './bulk-registration.routes.ts'

export interface BulkRegistrationModuleOptions {
  ctx: AppContext
  /** Sends each imported learner's initial password (the auth feature's sender). */
  sms: SmsProvider
}

/** 批量注册 by staff from a spreadsheet (ACC-5; mounted at /api/staff). */
const bulkRegistrationModule: FeatureModule<BulkRegistrationModuleOptions> = async (app, { ctx, sms }) => {
  await app.register(bulkRegistrationRoutes, { deps: { db: ctx.db, sms, now: ctx.now } })
  await app.register(bulkRegistrationConsoleRoutes, { db: ctx.db })
}

export default bulkRegistrationModule
