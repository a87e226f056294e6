import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import healthRoutes from './health.routes.ts'

export interface HealthModuleOptions {
  ctx: AppContext
  wechatMode: 'simulator' | 'live'
  version: string
}

/** 健康检查: liveness and readiness for the proxy and the operator (OPS-6). */
const healthModule: FeatureModule<HealthModuleOptions> = async (app, { ctx, wechatMode, version }) => {
  // Readiness fails from the moment the server starts closing, so the proxy stops sending to it.
  let draining = false
  app.addHook('preClose', async () => {
    draining = true
  })
  await app.register(healthRoutes, {
    ping: () => ctx.database.ping(),
    pendingMigrations: () => ctx.database.pendingMigrations(),
    draining: () => draining,
    database: ctx.database.kind,
    wechat: wechatMode,
    version,
  })
}

export default healthModule
