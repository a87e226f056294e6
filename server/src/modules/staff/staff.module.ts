import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import staffAccountRoutes from './staff-accounts.routes.ts'
import staffRoutes from './staff.routes.ts'

export interface StaffModuleOptions {
  ctx: AppContext
}

/**
 * 工作人员: staff sign-in (password + TOTP), console sessions and accounts (mounted at /api/staff). The staff guard itself is registered
 * by the composition before every module, since other features' staff routes use it.
 */
const staffModule: FeatureModule<StaffModuleOptions> = async (app, { ctx }) => {
  await app.register(staffRoutes, { db: ctx.db, now: ctx.now })
  await app.register(staffAccountRoutes, { prefix: '/accounts', db: ctx.db, now: ctx.now })
}

export default staffModule
