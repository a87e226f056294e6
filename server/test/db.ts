import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import postgres from 'postgres'
import { inject } from 'vitest'
import { createDatabase, type Database } from '../src/db/client.ts'
import { withDatabase } from './global-setup.ts'
import { SAMPLE_PERSONAL_DATA_KEYS } from '../src/app/app.config.ts'
import { usePersonalDataKeys } from '../src/crypto/personal-data.ts'

/**
 * A fresh, migrated database for one test file: a clone of the run's template on PostgreSQL when
 * TEST_DATABASE_URL is set, else a copy of the run's migrated PGlite data directory (or, outside
 * this package's test run, e.g. from another package's tests, an in-memory PGlite migrated here).
 * close() drops the clone or removes the copy.
 */
export async function createTestDatabase(): Promise<Database> {
  // Repositories seal ID numbers and phones; tests that use them without an app get the sample keys too.
  usePersonalDataKeys(SAMPLE_PERSONAL_DATA_KEYS)
  const template = inject('templateDatabase')
  const url = process.env.TEST_DATABASE_URL
  if (!template || !url) {
    const pgliteTemplate = inject('pgliteTemplateDir')
    if (!pgliteTemplate) {
      const database = await createDatabase({ memory: true })
      await database.migrate()
      return database
    }
    // Beside the template: the run's teardown removes whatever a file left behind.
    const root = await mkdtemp(join(dirname(pgliteTemplate), 'db-'))
    const dataDir = join(root, 'data')
    await cp(pgliteTemplate, dataDir, { recursive: true })
    const database = await createDatabase({ dataDir })
    return {
      ...database,
      async close() {
        try {
          await database.close()
        } finally {
          await rm(root, { recursive: true, force: true })
        }
      },
    }
  }
  const name = `app_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name} template ${template}`)
  const database = await createDatabase({ url: withDatabase(url, name), max: 5 })
  return {
    ...database,
    async close() {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** The PostgreSQL server tests run on (TEST_DATABASE_URL), or undefined for the embedded database. */
export function testPostgresUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL
}
