import { idNumberCheckChar } from '@app/shared'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../db/client.ts'
import { users } from '../../db/schema.ts'
import { createDevOutboxProvider } from '../auth/dev-sms-outbox.adapter.ts'
import { idNumberIs } from '../auth/users.repository.ts'
import { registerSheet } from './bulk-registration.service.ts'

// When is an import refused with 409 「导入期间有学员自行注册…」? Only when an account with one of
// the sheet's ID numbers or phones appeared between the check and the insert — not for any other
// unique violation (issue: the first upload after a restart was refused so, nobody registering).

/** A valid GB 11643 number: Chongqing 渝中区, born 1985-03-01, the given sequence. */
function idNumber(sequence: number): string {
  const first17 = `50010319850301${String(sequence).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}
const csv = (rows: string[][]) => Buffer.from(['姓名,身份证号,手机号,单位', ...rows.map((r) => r.join(','))].join('\r\n'))

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => database.close())

const importSheet = (content: Buffer) =>
  registerSheet({ db: database.db, sms: createDevOutboxProvider(database.db, { info() {} }) }, { content, fileName: 'list.csv', staff: '张老师', source: 'api' }, new Date())

describe('bulk registration conflicts', () => {
  it('refuses an import when a learner registered one of its people between the check and the insert, creating nothing; the retry finds the account', async () => {
    const shared = ['共同', idNumber(1), '13700000001', '某单位']
    // The moment the import opens its insert transaction (its check is done), the shared person
    // registers through another import on the real database: the race, made to happen every time.
    let registeredMeanwhile = false
    const racedDb = new Proxy(database.db, {
      get(target, key, receiver) {
        if (key !== 'transaction' || registeredMeanwhile) return Reflect.get(target, key, receiver)
        registeredMeanwhile = true
        return async (...args: Parameters<typeof target.transaction>) => {
          await importSheet(csv([shared]))
          return target.transaction(...args)
        }
      },
    })
    const sheet = csv([shared, ['张甲', idNumber(2), '13700000002', '某单位']])
    const attempt = registerSheet({ db: racedDb, sms: createDevOutboxProvider(database.db, { info() {} }) }, { content: sheet, fileName: 'list.csv', staff: '张老师', source: 'api' }, new Date())
    await expect(attempt).rejects.toMatchObject({ code: 'BULK_SHEET_CHANGED', statusCode: 409 })
    expect(registeredMeanwhile).toBe(true)
    // All or nothing: the sheet's own new person was not created either.
    expect(await database.db.select({ id: users.id }).from(users).where(idNumberIs(idNumber(2)))).toEqual([])

    const retry = await importSheet(sheet)
    expect(retry.counts).toMatchObject({ created: 1, existed: 1, invalid: 0 })
  })

  it('does not blame learners for a collision on an account id (an id sequence behind its rows)', async () => {
    await importSheet(csv([['王丙', idNumber(10), '13700000010', '某单位']]))
    // What an embedded database written by two processes at once left behind: the next id is taken.
    await database.db.execute(sql`select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users) - 1)`)
    const attempt = importSheet(csv([['赵丁', idNumber(11), '13700000011', '某单位']]))
    await expect(attempt).rejects.toThrow()
    await expect(attempt).rejects.not.toMatchObject({ code: 'BULK_SHEET_CHANGED' })
    await database.db.execute(sql`select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users))`)
  })
})
