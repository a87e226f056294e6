import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { createDatabase } from '../src/db/client.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | null
    /** A migrated PGlite data directory every test file copies (without TEST_DATABASE_URL). */
    pgliteTemplateDir: string | null
  }
}

/**
 * Migrate a template database once per run, which every test file then clones, as immich does:
 * with TEST_DATABASE_URL a PostgreSQL database (CREATE DATABASE … TEMPLATE), else a PGlite data
 * directory (copied: opening a copy costs about a second of CPU, where creating and migrating a
 * fresh PGlite costs six to nine).
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL
  if (!url) {
    const root = await mkdtemp(join(tmpdir(), 'app-test-pglite-'))
    const dir = join(root, 'template')
    const database = await createDatabase({ dataDir: dir })
    await database.migrate()
    await database.close()
    project.provide('templateDatabase', null)
    project.provide('pgliteTemplateDir', dir)
    return async () => {
      await rm(root, { recursive: true, force: true })
    }
  }
  const name = `app_test_tpl_${randomBytes(4).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const templateUrl = withDatabase(url, name)
  const database = await createDatabase({ url: templateUrl, max: 1 })
  await database.migrate()
  await database.close()
  project.provide('templateDatabase', name)
  project.provide('pgliteTemplateDir', null)
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}
