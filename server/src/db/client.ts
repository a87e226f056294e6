import fs from 'node:fs'
import path from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { plainPipelined, postgresPipelined, type AppTx, type PipelinedTransaction } from './pipelined-transaction.ts'
import { preparingClient } from './prepared-statements.ts'
import { countingClient, type PoolStats } from './pool-stats.ts'
import { probePreparedStatements } from './pooler-probe.ts'
import { lockDataFolder, type DataFolderLock } from './data-folder-lock.ts'
import * as schema from './schema.ts'

/** Either driver's drizzle instance; repositories take this (or a transaction of it). */
export type AppDb = PgDatabase<PgQueryResultHKT, typeof schema>
export type DbKind = 'pglite' | 'postgres'

export interface Database {
  db: AppDb
  kind: DbKind
  /** A read → decide → write transaction in the fewest round trips (see pipelined-transaction.ts). */
  pipelined: PipelinedTransaction
  /** Applies the committed drizzle migrations (safe to call from several instances at once). */
  migrate(): Promise<void>
  /** Answers whether the database responds to a trivial query. */
  ping(): Promise<boolean>
  /** How many committed migrations the database has not applied yet (readiness fails while > 0). */
  pendingMigrations(): Promise<number>
  /** Pool use for the metrics (PostgreSQL only). */
  poolStats: PoolStats | null
  close(): Promise<void>
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError'
}

/** The server package's folder, found from this module whether it runs from src/ or bundled in dist/. */
function serverRoot(): string {
  let dir = import.meta.dirname
  while (!fs.existsSync(path.join(dir, 'drizzle.config.ts')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}
export const MIGRATIONS_DIR = path.join(serverRoot(), 'drizzle')
// A fixed key for pg_advisory_lock, so concurrent instances apply migrations one at a time.
const MIGRATION_LOCK_KEY = 72_410_001

export interface PostgresTarget {
  url: string
  max?: number
  /** Prepared statements (default true); false for a transaction-mode pooler that cannot keep them. */
  prepare?: boolean
  /** A direct connection for migrations (their advisory lock needs a session), when `url` is a pooler. */
  directUrl?: string
}
/** An embedded database folder; `holder` names this process in the folder's lock (default: the script's name). */
export interface EmbeddedTarget {
  dataDir: string
  holder?: string
}
export type DatabaseTarget = PostgresTarget | EmbeddedTarget | { memory: true }

/** Creates the database for a validated config: PostgreSQL via postgres.js, else embedded PGlite. */
export async function createDatabase(target: DatabaseTarget): Promise<Database> {
  return 'url' in target ? createPostgres(target) : createPglite(target)
}

/** Every committed migration's timestamp, from the journal (drizzle compares these). */
function committedMigrationMillis(): number[] {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> }
  return journal.entries.map((e) => e.when)
}

function countPending(applied: number | null): number {
  return committedMigrationMillis().filter((when) => applied === null || when > applied).length
}

const APPLIED = 'select max(created_at)::float8 as applied from drizzle.__drizzle_migrations'

async function createPostgres(target: PostgresTarget): Promise<Database> {
  const { url } = target
  const prepare = target.prepare ?? true
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate } = await import('drizzle-orm/postgres-js/migrator')
  // connect_timeout bounds how long a request waits for an unreachable database before its 503.
  // backoff: postgres.js waits up to 20 s between reconnection attempts after repeated failures
  // (3^failures / 100 s), so after an outage queries queued for a connection waited that long (the
  // database-outage fault test: requests held until nginx timed out). Retry within a second instead.
  const backoff = (failures: number) => Math.min(0.05 * 2 ** failures, 1)
  const connect = (max: number) => postgres(url, { max, prepare, connect_timeout: 5, backoff, onnotice: () => {} })
  const poolStats: PoolStats = { max: target.max ?? 10, queriesInFlight: 0, reserved: 0 }
  const counted = countingClient(connect(poolStats.max), poolStats)
  const sql = prepare ? preparingClient(counted) : counted
  try {
    await sql`select 1`
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {})
    throw new DatabaseUnavailableError(`Cannot reach the database (${describeTarget(url)}): ${reason(error)}`)
  }
  if (prepare) {
    try {
      await probePreparedStatements(() => connect(1))
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => {})
      throw error
    }
  }
  const db = drizzle(sql, { schema, casing: 'snake_case' }) as unknown as AppDb
  return {
    db,
    kind: 'postgres',
    // drizzle on the reserved connection: it reads the client's options (its type parsers), which a
    // reserved connection lacks. Not a drizzle transaction object: `tx.rollback()` is not available.
    pipelined: postgresPipelined(sql, prepare, (client) => drizzle(Object.assign(client, { options: sql.options }), { schema, casing: 'snake_case' }) as unknown as AppTx),
    async migrate() {
      // One dedicated connection holds the advisory lock for the whole migration.
      const lockSql = postgres(target.directUrl ?? url, { max: 1, connect_timeout: 10, onnotice: () => {} })
      try {
        await lockSql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`
        await migrate(drizzle(lockSql, { casing: 'snake_case' }), { migrationsFolder: MIGRATIONS_DIR })
        await lockSql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`
      } finally {
        await lockSql.end({ timeout: 5 })
      }
    },
    async ping() {
      try {
        await sql`select 1`
        return true
      } catch {
        return false
      }
    },
    async pendingMigrations() {
      const rows = await sql.unsafe<{ applied: number | null }[]>(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)
      if (!(rows[0] as unknown as { present: boolean }).present) return countPending(null)
      const [row] = await sql.unsafe<{ applied: number | null }[]>(APPLIED)
      return countPending(row?.applied ?? null)
    },
    poolStats,
    close: () => sql.end({ timeout: 5 }),
  }
}

function scriptName(): string {
  return path.basename(process.argv[1] ?? 'node').replace(/\.(ts|mjs|js)$/, '')
}

async function createPglite(target: EmbeddedTarget | { memory: true }): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate } = await import('drizzle-orm/pglite/migrator')
  let client: InstanceType<typeof PGlite>
  let lock: DataFolderLock | null = null
  if ('dataDir' in target) {
    // One process at a time (data-folder-lock.ts): refuse before PGlite reads a page.
    lock = lockDataFolder(target.dataDir, target.holder ?? scriptName())
    fs.mkdirSync(target.dataDir, { recursive: true })
    try {
      client = await PGlite.create(target.dataDir)
    } catch (error) {
      lock.release()
      throw new DatabaseUnavailableError(`Cannot open the embedded database in ${target.dataDir}: ${reason(error)}`)
    }
  } else {
    client = await PGlite.create()
  }
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as AppDb
  return {
    db,
    kind: 'pglite',
    pipelined: plainPipelined(db),
    async migrate() {
      await migrate(drizzle(client, { casing: 'snake_case' }), { migrationsFolder: MIGRATIONS_DIR })
    },
    async ping() {
      try {
        await client.query('select 1')
        return true
      } catch {
        return false
      }
    },
    async pendingMigrations() {
      const present = await client.query<{ present: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)
      if (!present.rows[0]?.present) return countPending(null)
      const result = await client.query<{ applied: number | null }>(APPLIED)
      return countPending(result.rows[0]?.applied ?? null)
    },
    poolStats: null,
    async close() {
      try {
        await client.close()
      } finally {
        lock?.release()
      }
    },
  }
}

function describeTarget(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`
  } catch {
    return 'DATABASE_URL'
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code
    return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message
  }
  return String(error)
}
