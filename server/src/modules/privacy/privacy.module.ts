import type { AppContext, FeatureModule } from '../../core/app-context.ts'
import privacyFileRoutes from './privacy-files.routes.ts'
import privacyRoutes from './privacy.routes.ts'
import privacyStaffRoutes from './closures-staff.routes.ts'
import type { PrivacyDeps } from './privacy.types.ts'

export interface PrivacyModuleOptions {
  ctx: AppContext
}

/**
 * Learners' rights (PIPL art. 44–47): 我的个人信息 and 注销账号 under /api/privacy, the workbook by
 * signed link, and the staff side under /api/staff/account-closures (mounted at /api).
 */
const privacyModule: FeatureModule<PrivacyModuleOptions> = async (app, { ctx }) => {
  const deps: PrivacyDeps = {
    db: ctx.db,
    now: ctx.now,
    // The same rule auth uses for its refresh cookie: Secure whenever the public URL is https.
    secureCookies: ctx.publicBaseUrl.startsWith('https://'),
    linkKey: ctx.deriveKey('privacy-export-link'),
  }
  await app.register(privacyRoutes, { prefix: '/privacy', deps })
  await app.register(privacyFileRoutes, { prefix: '/privacy', deps })
  await app.register(privacyStaffRoutes, { prefix: '/staff/account-closures', deps })
}

export default privacyModule
