import { createHmac } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import type { AppDb } from '../../db/client.ts'
import privacyFileRoutes from './privacy-files.routes.ts'
import privacyRoutes from './privacy.routes.ts'
import privacyStaffRoutes from './privacy.staff-routes.ts'

export interface PrivacyModuleOptions {
  db: AppDb
  now: () => Date
  secureCookies: boolean
  /** A server key this module derives its own link key from (HMAC with a purpose label). */
  keySeed: string
}

/**
 * Learners' rights (PIPL art. 44–47): 我的个人信息 and 注销账号 under /api/privacy, the workbook by
 * signed link, and the staff side under /api/staff/account-closures.
 */
const privacyModule: FastifyPluginAsync<PrivacyModuleOptions> = async (app, opts) => {
  const deps = { db: opts.db, now: opts.now, secureCookies: opts.secureCookies, linkKey: createHmac('sha256', opts.keySeed).update('privacy-export-link').digest('base64url') }
  await app.register(privacyRoutes, { prefix: '/privacy', deps })
  await app.register(privacyFileRoutes, { prefix: '/privacy', deps })
  await app.register(privacyStaffRoutes, { prefix: '/staff/account-closures', deps })
}
export default privacyModule
