import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './build-app.ts'
import type { Config } from './app.config.ts'
import { createDatabase, type Database } from '../db/client.ts'
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets.ts'
import { hasCatalogue, importCatalogue } from '../modules/catalogue/catalogue-import.service.ts'
import { seedSampleOrganisations } from '../modules/certificates/organisations.seed.ts'
import { createWechatRuntime, type WechatRuntime } from './wechat-runtime.ts'
import { startMetricsServer, type MetricsServer } from '../plugins/metrics-server.ts'

export interface RunningServer {
  app: FastifyInstance
  database: Database
  wechat: WechatRuntime
  url: string
  /** The private metrics listener, when METRICS_PORT is set. */
  metrics: MetricsServer | null
  close(): Promise<void>
}

function closeAndThrow(app: FastifyInstance) {
  return async (error: unknown): Promise<never> => {
    await app.close()
    throw error
  }
}

/** Opens the database, migrates, seeds an empty one, builds the app and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const needsDevSecrets = config.wechat === null || config.jwtSecret === null
  const secrets = needsDevSecrets ? loadOrCreateDevSecrets(config.dataDir) : null
  const wechat = createWechatRuntime(config, secrets)

  const database = await createDatabase(
    config.databaseUrl
      ? {
          url: config.databaseUrl,
          max: config.databasePoolMax,
          prepare: config.databasePreparedStatements,
          ...(config.databaseDirectUrl ? { directUrl: config.databaseDirectUrl } : {}),
        }
      : { dataDir: path.join(config.dataDir, 'pglite'), holder: 'server' },
  )
  try {
    await database.migrate()
    if (config.seedDemoContent && !(await hasCatalogue(database.db))) {
      await importCatalogue(database.db, path.join(config.seedDir, 'manifest.json'))
    }
    // Sample units for 组织机构 (idempotent, so databases seeded before this step get them too).
    if (config.seedDemoContent) await seedSampleOrganisations(database.db)
    const app = await buildApp({
      config,
      database,
      wechatMode: wechat.mode,
      wechat: wechat.settings,
      simulator: wechat.simulator?.plugin,
      jwtSecret: config.jwtSecret ?? (secrets as DevSecrets).jwtSecret,
      runJobs: true,
    })
    app.addHook('onClose', async () => {
      await wechat.simulator?.close()
      await database.close()
    })
    await app.listen({ host: config.host, port: config.port })
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    wechat.onListening(port)
    const metrics = config.metrics ? await startMetricsServer(config.metrics.host, config.metrics.port).catch(closeAndThrow(app)) : null
    const close = async () => {
      await app.close()
      await metrics?.close()
    }
    return { app, database, wechat, url: `http://127.0.0.1:${port}`, metrics, close }
  } catch (error) {
    await database.close().catch(() => {})
    throw error
  }
}
