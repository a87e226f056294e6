import type { FastifyInstance } from 'fastify'
import type { AppDb, Database } from '../db/client.ts'
import healthRoutes from './health/health.routes.ts'
import catalogueRoutes from './catalogue/catalogue.routes.ts'

export interface ModuleDeps {
  db: AppDb
  database: Database
  wechatMode: 'simulator' | 'live'
  version: string
}

/** Registers every feature module under /api. Each module is an encapsulated plugin. */
export async function registerModules(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  await app.register(
    async (api) => {
      await api.register(healthRoutes, {
        ping: () => deps.database.ping(),
        database: deps.database.kind,
        wechat: deps.wechatMode,
        version: deps.version,
      })
      await api.register(catalogueRoutes, { db: deps.db })
    },
    { prefix: '/api' },
  )
}
