import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.ts'
import type { Database } from '../src/db/client.ts'
import { importCatalogue } from '../src/modules/catalogue/catalogue.import.ts'
import { createTestDatabase } from './db.ts'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')
export const DEMO_SEED_DIR = path.join(REPO_ROOT, 'server/seed/demo')

export interface TestApp {
  app: FastifyInstance
  database: Database
  close(): Promise<void>
}

/** The real app on a fresh test database, seeded with the demo manifest unless told otherwise. */
export async function buildTestApp(options: { seed?: boolean; deps?: Partial<AppDeps> } = {}): Promise<TestApp> {
  const database = await createTestDatabase()
  if (options.seed !== false) await importCatalogue(database.db, path.join(DEMO_SEED_DIR, 'manifest.json'))
  const app = await buildApp({
    config: {
      logLevel: 'silent',
      h5DistDir: path.join(REPO_ROOT, 'h5/dist'),
      seedDir: DEMO_SEED_DIR,
      trustProxy: false,
    },
    database,
    wechatMode: 'simulator',
    logger: false,
    ...options.deps,
  })
  await app.ready()
  return {
    app,
    database,
    async close() {
      await app.close()
      await database.close()
    },
  }
}
