import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { createDatabase } from '../src/db/client.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | null
  }
}

/**
 * With TEST_DATABASE_URL: migrate a template database once per run; every test file clones it
 * (CREATE DATABASE … TEMPLATE), as immich does. Without it each file migrates its own PGlite.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL
  if (!url) {
    project.provide('templateDatabase', null)
    return
  }
  const name = `app_test_tpl_${randomBytes(4).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const templateUrl = withDatabase(url, name)
  const database = await createDatabase({ url: templateUrl, max: 1 })
  await database.migrate()
  await database.close()
  project.provide('templateDatabase', name)
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
