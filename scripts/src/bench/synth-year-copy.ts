/**
 * COPY for bench:synth-year: rows as COPY text lines streamed into postgres.js's `copy … from stdin`
 * writable, in chunks, with the stream's back-pressure respected.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type postgres from 'postgres'

export type Cell = string | number | boolean | null | undefined
type Row = readonly Cell[]

/** One value in COPY's text format (the generator's text holds no tab, newline or backslash). */
function cell(value: Cell): string {
  if (value === null || value === undefined) return '\\N'
  if (typeof value === 'boolean') return value ? 't' : 'f'
  return String(value)
}

export const line = (row: Row) => row.map(cell).join('\t') + '\n'

export const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Streams the lines `produce` yields into `table (columns)` with COPY on its own connection, and
 * returns how many rows went in. Lines are joined into ~64 kB chunks, at most one waiting: tables
 * loaded side by side then keep pace (they share each learner's drawn year) and none starves the others.
 */
export async function copyInto(sql: postgres.Sql, table: string, columns: string[], produce: () => Iterable<string>): Promise<number> {
  let rows = 0
  function* chunks() {
    let buffer = ''
    for (const l of produce()) {
      rows += 1
      buffer += l
      if (buffer.length > 64_000) {
        yield buffer
        buffer = ''
      }
    }
    if (buffer) yield buffer
  }
  const reserved = await sql.reserve()
  try {
    // Foreign keys are checked once at the end (by the generator's construction, and by the count check), not per row.
    await reserved`set session_replication_role = replica`
    const writable = await reserved.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable()
    await pipeline(Readable.from(chunks(), { highWaterMark: 1 }), writable)
  } finally {
    reserved.release()
  }
  return rows
}

interface SavedIndex { name: string; constraint: boolean; definition: string }

/**
 * Runs `load` with the table's own indexes (its primary key and unique constraints included)
 * dropped, and builds them again afterwards from their saved definitions: a bulk load followed
 * by one index build is many times faster than maintaining a B-tree per row. The indexes end up
 * exactly as the migrations made them. Only for tables no foreign key points at.
 */
export async function withIndexesRebuilt<T>(sql: postgres.Sql, table: string, load: () => Promise<T>): Promise<T> {
  const constraints = await sql<{ name: string; definition: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
    where conrelid = ${table}::regclass and contype in ('p', 'u')`
  const indexes = await sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes where schemaname = 'public' and tablename = ${table}`
  const saved: SavedIndex[] = [
    ...constraints.map((c) => ({ ...c, constraint: true })),
    ...indexes.filter((i) => !constraints.some((c) => c.name === i.name)).map((i) => ({ ...i, constraint: false })),
  ]
  for (const s of saved) {
    await sql.unsafe(s.constraint ? `alter table ${table} drop constraint "${s.name}"` : `drop index "${s.name}"`)
  }
  const result = await load()
  const reserved = await sql.reserve()
  try {
    await reserved`set maintenance_work_mem = '512MB'`
    for (const s of saved) {
      await reserved.unsafe(s.constraint ? `alter table ${table} add constraint "${s.name}" ${s.definition}` : s.definition)
    }
  } finally {
    reserved.release()
  }
  return result
}
