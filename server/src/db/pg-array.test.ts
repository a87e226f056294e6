import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/testing.ts'
import type { Database } from './client.ts'
import { rowsOf } from './pipelined-transaction.ts'
import { pgArrayLiteral, pgJsonArrayLiteral } from './pg-array.ts'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.close()
})

describe('pgArrayLiteral', () => {
  it('quotes every text element, writes finite numbers bare and null as NULL', () => {
    expect(pgArrayLiteral([1, -2.5, null, 'a', '1'])).toBe('{1,-2.5,NULL,"a","1"}')
    // Not a number PostgreSQL would take for an int: quoted, so the statement fails rather than reading something else.
    expect(pgArrayLiteral([Number.NaN, Number.POSITIVE_INFINITY])).toBe('{"NaN","Infinity"}')
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

describe('pgJsonArrayLiteral', () => {
  it('reads back every document exactly, hostile text included, and null as NULL', async () => {
    const documents = [
      { text: 'x","y', slash: 'a\\"},{"b', nl: 'line\nnext\ttab\r', control: '\u0001\u001f', emoji: '中文 😀', empty: '' },
      ['NULL', '{}', '"', '\\', null, 1.5, true],
      'a bare string with "quotes" and \\ backslashes',
      42,
    ]
    const result = rowsOf(await database.db.execute(sql`select d::text as d from unnest(${pgJsonArrayLiteral([...documents, null])}::jsonb[]) with ordinality as v(d, n) order by n`))
    const read = result.map((r) => (r.d === null ? null : JSON.parse(String(r.d))))
    expect(read).toEqual([...documents, null])
  })
})
