import { randomBytes, randomUUID } from 'node:crypto'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR } from './client.ts'
import { withDatabase } from '../../test/global-setup.ts'

// Migration 0021 turns progress_reports into a table partitioned by day, keeping the rows that
// exist (docs/deployment.md, "Migrating progress_reports"). Checked on a database migrated up to
// 0020 that holds reports, with and without the operator's preparation, on PostgreSQL when
// TEST_DATABASE_URL is set, else on the embedded database.

interface RawDb {
  query(text: string): Promise<Array<Record<string, unknown>>>
  migrate(folder: string): Promise<void>
  close(): Promise<void>
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function emptyDatabase(): Promise<RawDb> {
  const url = process.env.TEST_DATABASE_URL
  if (!url) {
    const { PGlite } = await import('@electric-sql/pglite')
    const { drizzle } = await import('drizzle-orm/pglite')
    const { migrate } = await import('drizzle-orm/pglite/migrator')
    const client = await PGlite.create()
    return {
      query: async (text) => (await client.exec(text)).at(-1)?.rows ?? [],
      migrate: (folder) => migrate(drizzle(client), { migrationsFolder: folder }),
      close: () => client.close(),
    }
  }
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const { migrate } = await import('drizzle-orm/postgres-js/migrator')
  const name = `app_migration_${randomBytes(6).toString('hex')}`
  const admin = postgres(url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const sql = postgres(withDatabase(url, name), { max: 1, onnotice: () => {} })
  return {
    query: async (text) => [...(await sql.unsafe(text))] as Array<Record<string, unknown>>,
    migrate: (folder) => migrate(drizzle(sql), { migrationsFolder: folder }),
    async close() {
      await sql.end()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** The committed migrations up to 0020, before partitioning. */
async function migrationsBeforePartitioning(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  await cp(MIGRATIONS_DIR, dir, { recursive: true })
  const journalPath = path.join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: Array<{ idx: number }> }
  journal.entries = journal.entries.filter((e) => e.idx <= 20)
  await writeFile(journalPath, JSON.stringify(journal))
  return dir
}

/** A database at 0020 holding `count` reports of sessions opened over the last days. */
async function databaseWithReports(count: number): Promise<{ db: RawDb; sessions: string[] }> {
  const db = await emptyDatabase()
  cleanups.push(() => db.close())
  await db.migrate(await migrationsBeforePartitioning())
  const sessions = Array.from({ length: 5 }, () => randomUUID())
  // Only progress_reports and its sessions matter here: the other tables' rows are left out.
  await db.query(`set session_replication_role = replica`)
  for (const [i, id] of sessions.entries()) {
    await db.query(`insert into playback_sessions (id, user_id, chapter_id, status, opened_at, last_seq)
      values ('${id}', ${i + 1}, 1, 'superseded', now() - interval '${i + 1} days', ${count / sessions.length})`)
  }
  await db.query(`insert into progress_reports (session_id, seq, position_ms, credited_ms, received_at, ack)
    select s.id, g, g * 10000, 10000, s.opened_at + g * interval '10 seconds', jsonb_build_object('seq', g)
    from playback_sessions s, generate_series(1, ${count / sessions.length}) g`)
  await db.query(`set session_replication_role = origin`)
  return { db, sessions }
}

const partitions = (db: RawDb) =>
  db.query(`select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'progress_reports'::regclass order by c.relname`)

describe('migration 0021: progress_reports partitioned by day with the rows it had', { timeout: 180_000 }, () => {
  it('attaches the existing rows as one partition and creates a week of day partitions ahead', async () => {
    const { db, sessions } = await databaseWithReports(1000)
    await db.migrate(MIGRATIONS_DIR)

    const [kind] = await db.query(`select c.relkind from pg_class c where c.relname = 'progress_reports'`)
    expect(kind?.relkind).toBe('p')
    const parts = await partitions(db)
    expect(parts[0]).toMatchObject({ name: 'progress_reports_legacy' })
    expect(String(parts[0]?.bound)).toMatch(/^FOR VALUES FROM \(MINVALUE\) TO \(/)
    expect(parts.filter((p) => String(p.name).startsWith('progress_reports_p')).length).toBeGreaterThanOrEqual(8)
    // Every row is still there, readable through the parent, with its answer.
    const [all] = await db.query(`select count(*)::int as n, sum(credited_ms)::int as ms from progress_reports`)
    expect(all).toEqual({ n: 1000, ms: 10_000_000 })
    const [one] = await db.query(`select ack from progress_reports where session_id = '${sessions[0]}' and seq = 7`)
    expect(one?.ack).toEqual({ seq: 7 })
    // New reports land in the day partition of their time; the key is (session, seq, received_at).
    await db.query(`set session_replication_role = replica`)
    await db.query(`insert into progress_reports (session_id, seq, position_ms, credited_ms, received_at, ack)
      values ('${sessions[0]}', 1000, 0, 0, now() + interval '2 days', '{}')`)
    const [where] = await db.query(`select tableoid::regclass::text as part from progress_reports where seq = 1000`)
    expect(String(where?.part)).toMatch(/^progress_reports_p\d{8}$/)
    await expect(
      db.query(`insert into progress_reports (session_id, seq, position_ms, credited_ms, received_at, ack)
        select session_id, seq, 0, 0, received_at, '{}' from progress_reports where seq = 1000`),
    ).rejects.toThrow(/duplicate key/)
  })

  it('uses the constraint and index the operator prepared: the cut-off is theirs and nothing is rebuilt', async () => {
    const { db } = await databaseWithReports(100)
    // The preparation of docs/deployment.md (CONCURRENTLY on a live PostgreSQL; plain here).
    await db.query(`create unique index progress_reports_legacy_key on progress_reports (session_id, seq, received_at)`)
    await db.query(`alter table progress_reports add constraint progress_reports_before_partitioning
      check (received_at < '2099-01-02T00:00:00Z'::timestamptz) not valid`)
    await db.query(`alter table progress_reports validate constraint progress_reports_before_partitioning`)
    const [before] = await db.query(`select relfilenode from pg_class where relname = 'progress_reports_legacy_key'`)

    await db.migrate(MIGRATIONS_DIR)

    const parts = await partitions(db)
    expect(String(parts.find((p) => p.name === 'progress_reports_legacy')?.bound)).toContain('2099-01-02')
    const [after] = await db.query(`select relfilenode from pg_class where relname = 'progress_reports_legacy_key'`)
    expect(after?.relfilenode).toBe(before?.relfilenode)
    const [all] = await db.query(`select count(*)::int as n from progress_reports`)
    expect(all?.n).toBe(100)
  })
})
