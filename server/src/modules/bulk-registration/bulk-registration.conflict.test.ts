import { idNumberCheckChar } from '@app/shared'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../db/client.ts'
import { users } from '../../db/schema.ts'
import { createDevOutboxProvider } from '../auth/dev-sms-outbox.provider.ts'
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
  it('refuses the import that loses a race for the same person, creating nothing, and the retry finds the account', async () => {
    const shared = ['共同', idNumber(1), '13700000001', '某单位']
    const [a, b] = await Promise.allSettled([
      importSheet(csv([shared, ['张甲', idNumber(2), '13700000002', '某单位']])),
      importSheet(csv([shared, ['李乙', idNumber(3), '13700000003', '某单位']])),
    ])
    const outcomes = [a, b].map((r) => r.status)
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected'])
    const lost = [a, b].find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toMatchObject({ code: 'BULK_SHEET_CHANGED', statusCode: 409 })
    // All or nothing: the losing sheet's own new person was not created either.
    const loser = a.status === 'rejected' ? idNumber(2) : idNumber(3)
    const rows = await database.db.select({ id: users.id }).from(users).where(idNumberIs(loser))
    expect(rows).toEqual([])

    const retry = await importSheet(csv([shared, ['张甲', idNumber(2), '13700000002', '某单位'], ['李乙', idNumber(3), '13700000003', '某单位']]))
    expect(retry.counts).toMatchObject({ created: 1, existed: 2, invalid: 0 })
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
