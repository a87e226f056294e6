import path from 'node:path'
import { createDatabase } from '../src/db/client.ts'
import { hasCatalogue, importCatalogue } from '../src/modules/catalogue/catalogue-import.service.ts'
import { seedSampleOrganisations } from '../src/modules/certificates/organisations.seed.ts'
import { buildTestApp, DEMO_SEED_DIR, type TestApp, type TestAppOptions } from './app.ts'

/** Where a spawned server keeps its data: PostgreSQL when a URL is given, else PGlite under dataDir. */
export interface ServerStorage {
  dataDir: string
  databaseUrl?: string
}

/**
 * Prepares the data a server will start on, with the real app in this process: the same
 * migrations, demo content and routes, and a clock the caller moves (a plan is completed by
 * reporting through the learning API while the clock moves, not by writing rows). Run it before
 * the server starts; then the server serves that data exactly as in production. Nothing here
 * exists in the running server.
 */
export async function prepareServerData<T>(storage: ServerStorage, options: TestAppOptions, work: (t: TestApp) => Promise<T>): Promise<T> {
  // The same place the server's bootstrap opens: DATABASE_URL, else DATA_DIR/pglite.
  const database = await createDatabase(storage.databaseUrl ? { url: storage.databaseUrl, max: 5 } : { dataDir: path.join(storage.dataDir, 'pglite') })
  try {
    await database.migrate()
    if (!(await hasCatalogue(database.db))) await importCatalogue(database.db, path.join(DEMO_SEED_DIR, 'manifest.json'))
    await seedSampleOrganisations(database.db)
    const t = await buildTestApp({ ...options, database })
    try {
      return await work(t)
    } finally {
      await t.close()
    }
  } finally {
    await database.close()
  }
}
