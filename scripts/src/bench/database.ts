import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

/** The same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * A fresh database named `<prefix>_<random>` on the PostgreSQL of `serverUrl`, for one run.
 * `drop()` removes it (connections still open are ended) and closes the admin connection; `keep()` only closes.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  return {
    name,
    url: withDatabase(serverUrl, name),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
    /** Leaves the database in place (a generated one kept for later runs) and closes the admin connection. */
    async keep() {
      await admin.end()
    },
  }
}
