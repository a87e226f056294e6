import type { FastifyInstance } from 'fastify'
import type { AppDb, Database } from '../db/client.ts'
import type { SmsProvider } from '../integrations/sms/provider.ts'
import type { WechatSettings } from '../integrations/wechat/settings.ts'
import healthRoutes from './health/health.routes.ts'
import catalogueRoutes from './catalogue/catalogue.routes.ts'
import authRoutes from './auth/auth.routes.ts'
import meRoutes from './auth/me.routes.ts'
import devRoutes from './auth/dev.routes.ts'
import wechatOauthRoutes from './auth/wechat-oauth.routes.ts'
import type { AuthDeps } from './auth/auth.service.ts'
import { createDevOutboxProvider } from './auth/dev-sms-outbox.ts'

export interface ModuleDeps {
  db: AppDb
  database: Database
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  version: string
  publicBaseUrl: string
  secureCookies: boolean
  smsHashKey: string
  sms: SmsProvider | null
  now: () => Date
}

/** Registers every feature module under /api. Each module is an encapsulated plugin. */
export async function registerModules(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const auth: AuthDeps = {
    db: deps.db,
    smsHashKey: deps.smsHashKey,
    // Certificates arrive with the certificates module; until then nobody holds one.
    hasCertificate: async () => false,
  }
  const cookies = { secure: deps.secureCookies }
  const sms = deps.sms ?? createDevOutboxProvider(deps.db, app.log)

  await app.register(
    async (api) => {
      await api.register(healthRoutes, {
        ping: () => deps.database.ping(),
        database: deps.database.kind,
        wechat: deps.wechatMode,
        version: deps.version,
      })
      await api.register(catalogueRoutes, { db: deps.db })
      await api.register(authRoutes, { prefix: '/auth', auth, sms, cookies, wechatAppId: deps.wechat.appId, now: deps.now })
      await api.register(wechatOauthRoutes, {
        prefix: '/auth',
        db: deps.db,
        wechat: deps.wechat,
        publicBaseUrl: deps.publicBaseUrl,
        cookies,
        now: deps.now,
      })
      await api.register(meRoutes, { prefix: '/me', auth })
      // The outbox route exists only while no real SMS provider is configured.
      if (!deps.sms) await api.register(devRoutes, { prefix: '/dev', db: deps.db })
    },
    { prefix: '/api' },
  )
}
