import { sql, type SQL } from 'drizzle-orm'
import type { AppDb } from '../db/client.ts'
import { rowsOf } from '../db/pipelined-transaction.ts'
import { blindIndex, currentSealPrefix, open, seal, type IndexKind, type SealedKind } from './personal-data.ts'

/**
 * The data migration and the key rotation in one pass (`pnpm rotate-data-key`, docs/security.md):
 * every row still holding a personal value in clear gets it sealed and indexed and the plain column
 * nulled; every value sealed with a key other than DATA_KEY_CURRENT is opened and sealed again with
 * the current one. Batches are one short transaction each (rows locked with SKIP LOCKED, so the
 * service keeps running and never waits long), and a batch either commits whole or not at all.
 * Nothing records where a run stopped: the rows left to do are exactly those still plain or on an
 * older key, so a run killed midway is resumed by running it again.
 */

interface SealedField {
  table: string
  /** Primary key column and its SQL type. */
  key: string
  keyType: 'int' | 'uuid'
  /** The plain column of rows written before encryption at rest (none for values sealed from the start). */
  legacy?: string
  sealed?: { column: string; kind: SealedKind }
  index?: { column: string; kind: IndexKind }
}

/** Every personal value stored sealed or indexed (schema: users.ts, certificates.ts, security.ts, group-orders.ts). */
export const SEALED_FIELDS: readonly SealedField[] = [
  { table: 'users', key: 'id', keyType: 'int', legacy: 'id_number', sealed: { column: 'id_number_sealed', kind: 'id_number' }, index: { column: 'id_number_index', kind: 'id_number' } },
  { table: 'users', key: 'id', keyType: 'int', legacy: 'phone', sealed: { column: 'phone_sealed', kind: 'phone' }, index: { column: 'phone_index', kind: 'phone' } },
  { table: 'certificates', key: 'id', keyType: 'int', legacy: 'id_number', sealed: { column: 'id_number_sealed', kind: 'id_number' } },
  { table: 'group_check_runs', key: 'id', keyType: 'uuid', legacy: 'failures', sealed: { column: 'failures_sealed', kind: 'group_failures' } },
  { table: 'sms_codes', key: 'id', keyType: 'int', legacy: 'phone', index: { column: 'phone_index', kind: 'phone' } },
  { table: 'dev_sms_outbox', key: 'id', keyType: 'int', legacy: 'phone', index: { column: 'phone_index', kind: 'phone' } },
  // Staff authenticator secrets (staff console sign-in) were sealed from the start: only re-sealed.
  { table: 'staff_users', key: 'id', keyType: 'int', sealed: { column: 'totp_secret_sealed', kind: 'staff_totp' } },
  { table: 'staff_users', key: 'id', keyType: 'int', sealed: { column: 'totp_pending_sealed', kind: 'staff_totp' } },
]

export interface RotationProgress {
  field: string
  /** Rows this run changed in this field so far. */
  done: number
  /** Rows that needed work in this field when the run reached it. */
  total: number
}

export interface RotationOptions {
  batchSize?: number
  /** Stop after this many batches (all fields together); the next run carries on. */
  maxBatches?: number
  onProgress?: (progress: RotationProgress) => void
}

const id = (name: string) => sql.identifier(name)

/** How progress names a field: its plain column, or its sealed column when it never had one. */
const fieldName = (field: SealedField) => `${field.table}.${field.legacy ?? field.sealed?.column}`

/** Rows of the field that are still plain, or sealed with another key than the current one. */
function pending(field: SealedField, prefix: string): SQL {
  const plain = field.legacy ? sql`${id(field.legacy)} is not null` : sql`false`
  if (!field.sealed) return plain
  return sql`(${plain} or (${id(field.sealed.column)} is not null and ${id(field.sealed.column)} not like ${`${prefix}%`}))`
}

/** Rows still plain or on an older key, per field (`table.column`). */
export async function countPendingPersonalData(db: AppDb): Promise<Record<string, number>> {
  const prefix = currentSealPrefix()
  const out: Record<string, number> = {}
  for (const field of SEALED_FIELDS) {
    const rows = rowsOf(await db.execute(sql`select count(*)::int as n from ${id(field.table)} where ${pending(field, prefix)}`)) as Array<{ n: number }>
    out[fieldName(field)] = Number(rows[0]?.n ?? 0)
  }
  return out
}

/** Seals, indexes and re-seals in batches; answers whether everything is done (false: stopped at maxBatches). */
export async function sealPersonalData(db: AppDb, options: RotationOptions = {}): Promise<boolean> {
  const batchSize = options.batchSize ?? 500
  let batches = 0
  const prefix = currentSealPrefix()
  const pendingCounts = await countPendingPersonalData(db)
  for (const field of SEALED_FIELDS) {
    const name = fieldName(field)
    const progress = { field: name, done: 0, total: pendingCounts[name] ?? 0 }
    let after: string | null = null
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return false
      const batch: { last: string; rows: number } | null = await sealBatch(db, field, prefix, after, batchSize)
      batches += 1
      if (batch === null) break
      after = batch.last
      // Rows written in clear meanwhile by an instance of the previous release count too.
      progress.done += batch.rows
      progress.total = Math.max(progress.total, progress.done)
      options.onProgress?.({ ...progress })
    }
    if (progress.done === 0) options.onProgress?.({ ...progress })
  }
  return true
}

/** One batch after the key `after`; answers the last key handled and the rows changed, or null when none was left. */
async function sealBatch(db: AppDb, field: SealedField, prefix: string, after: string | null, batchSize: number): Promise<{ last: string; rows: number } | null> {
  const keyCast = sql.raw(field.keyType)
  return db.transaction(async (tx) => {
    const sealedColumn = field.sealed ? id(field.sealed.column) : sql`null::text`
    const rows = rowsOf(
      await tx.execute(sql`
        select ${id(field.key)}::text as k, ${field.legacy ? sql`${id(field.legacy)}::text` : sql`null::text`} as plain, ${sealedColumn} as sealed
        from ${id(field.table)}
        where ${pending(field, prefix)} ${after === null ? sql`` : sql`and ${id(field.key)} > ${after}::${keyCast}`}
        order by ${id(field.key)}
        limit ${batchSize}
        for update skip locked`),
    ) as Array<{ k: string; plain: string | null; sealed: string | null }>
    if (rows.length === 0) return null
    const keys: string[] = []
    const sealedValues: string[] = []
    const indexValues: string[] = []
    for (const row of rows) {
      const value = row.plain ?? open(field.sealed?.kind as SealedKind, row.sealed as string)
      keys.push(row.k)
      if (field.sealed) sealedValues.push(seal(field.sealed.kind, value))
      // A closed account's sealed value is empty (modules/privacy): it keeps no index, or every closed account would collide.
      if (field.index) indexValues.push(value === '' ? '' : blindIndex(field.index.kind, value))
    }
    // Sealed values and indexes are base64url joined by ':' — no commas — so each list travels as one parameter.
    const sets: SQL[] = field.legacy ? [sql`${id(field.legacy)} = null`] : []
    if (field.sealed) sets.push(sql`${id(field.sealed.column)} = v.sealed`)
    if (field.index) sets.push(sql`${id(field.index.column)} = nullif(v.idx, '')`)
    await tx.execute(sql`
      update ${id(field.table)} set ${sql.join(sets, sql`, `)}
      from unnest(
        string_to_array(${keys.join(',')}, ',')::${keyCast}[],
        string_to_array(${field.sealed ? sealedValues.join(',') : ''}, ','),
        string_to_array(${field.index ? indexValues.join(',') : ''}, ',')
      ) as v(k, sealed, idx)
      where ${id(field.table)}.${id(field.key)} = v.k`)
    return { last: rows[rows.length - 1]?.k as string, rows: rows.length }
  })
}
