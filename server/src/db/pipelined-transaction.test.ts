import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/db.ts'
import type { Database } from './client.ts'
import { rowsOf } from './pipelined-transaction.ts'
import { statement, type Statement } from './statement.ts'

// Progress batches rely on these: a batch is stored whole or not at all, and two batches that
// touch the same rows run one after the other. Runs on PGlite, and on PostgreSQL (where the
// statements are pipelined) when TEST_DATABASE_URL is set.
let database: Database

beforeAll(async () => {
  database = await createTestDatabase()
  await database.db.execute(sql`create table pipelined_probe (id int primary key, note text not null)`)
})
afterAll(() => database.close())
beforeEach(async () => {
  await database.db.execute(sql`delete from pipelined_probe`)
  await database.db.execute(sql`insert into pipelined_probe values (1, 'first')`)
})

/** Locks row 1 and reads its note, as a progress batch locks the learner's row first. */
const LOCK_FIRST = statement`select note from pipelined_probe where id = 1 for update`
const notes = async () => rowsOf(await database.db.execute(sql`select id, note from pipelined_probe order by id`)).map((r) => `${String(r.id)}:${String(r.note)}`)

describe('pipelined transaction', () => {
  it('reads, decides and writes in one transaction', async () => {
    const result = await database.pipelined({
      read: LOCK_FIRST,
      decide: async (_inTx, rows) => ({ result: rows[0]?.note, write: statement`insert into pipelined_probe values (2, ${'second'})` }),
    })
    expect(result).toBe('first')
    expect(await notes()).toEqual(['1:first', '2:second'])
  })

  it.each<{ failure: string; decide: () => { result: null; write: Statement }; error: RegExp | string }>([
    { failure: 'the final write fails', decide: () => ({ result: null, write: statement`insert into pipelined_probe values (1, 'duplicate key')` }), error: /duplicate key|unique/i },
    {
      failure: 'deciding fails',
      decide: () => {
        throw new Error('decided against it')
      },
      error: 'decided against it',
    },
  ])('stores nothing when $failure, and the next transaction works', async ({ decide, error }) => {
    await expect(
      database.pipelined({
        read: LOCK_FIRST,
        decide: async (inTx) => {
          await inTx().execute(sql`update pipelined_probe set note = 'changed' where id = 1`)
          return decide()
        },
      }),
    ).rejects.toThrow(error)
    expect(await notes()).toEqual(['1:first'])

    await database.pipelined({ read: statement`select 1`, decide: async () => ({ result: null, write: statement`insert into pipelined_probe values (3, 'third')` }) })
    expect(await notes()).toEqual(['1:first', '3:third'])
  })

  it('makes a second transaction on the same rows wait for the first and see its write', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let firstRead!: () => void
    const firstHasRead = new Promise<void>((resolve) => (firstRead = resolve))
    const first = database.pipelined({
      read: LOCK_FIRST,
      decide: async () => {
        firstRead()
        await held
        return { result: null, write: statement`update pipelined_probe set note = 'by first' where id = 1` }
      },
    })
    await firstHasRead
    let secondSaw: unknown = 'not yet'
    const second = database.pipelined({
      read: LOCK_FIRST,
      decide: async (_inTx, rows) => {
        secondSaw = rows[0]?.note
        return { result: null, write: null }
      },
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(secondSaw).toBe('not yet')
    release()
    await Promise.all([first, second])
    expect(secondSaw).toBe('by first')
  })
})
