import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/testing.ts'
import type { Database } from './client.ts'
import { rowsOf } from './pipelined-transaction.ts'
import { pgArrayLiteral } from './pg-array.ts'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.close()
})

describe('pgArrayLiteral', () => {
  it('quotes every element and writes null as NULL', () => {
    expect(pgArrayLiteral([1, null, 'a'])).toBe('{"1",NULL,"a"}')
    expect(pgArrayLiteral([])).toBe('{}')
  })

  it('reads back in the database exactly as given, hostile text included: nothing ends an element early or adds one', async () => {
    const texts = ['x","y', 'a\\"},{"b', 'NULL', '', ' space ', '{}', '中文']
    const result = rowsOf(await database.db.execute(sql`select unnest(${pgArrayLiteral([...texts, null])}::text[]) as t`))
    expect(result.map((r) => r.t)).toEqual([...texts, null])
  })

  it('zips columns of numbers, timestamps and JSON through unnest', async () => {
    const at = new Date('2026-12-06T06:00:00.123Z')
    const ack = { seq: 3, note: 'a "quoted" \\ value', nested: { ok: true } }
    const result = rowsOf(
      await database.db.execute(
        sql`select n, at, ack from unnest(${pgArrayLiteral([7, null])}::int[], ${pgArrayLiteral([at.toISOString(), null])}::timestamptz[], ${pgArrayLiteral([JSON.stringify(ack), null])}::jsonb[]) as v(n, at, ack)`,
      ),
    )
    expect(result).toHaveLength(2)
    expect(Number(result[0]!.n)).toBe(7)
    expect(new Date(String(result[0]!.at instanceof Date ? result[0]!.at.toISOString() : result[0]!.at)).getTime()).toBe(at.getTime())
    expect(typeof result[0]!.ack === 'string' ? JSON.parse(result[0]!.ack) : result[0]!.ack).toEqual(ack)
    expect(result[1]).toEqual({ n: null, at: null, ack: null })
  })
})
