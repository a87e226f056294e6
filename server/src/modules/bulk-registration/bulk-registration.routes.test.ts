import { idNumberCheckChar } from '@app/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { devSmsOutbox, staffAuditLog } from '../../db/schema.ts'
import { sentTo } from '../auth/dev-sms-outbox.repository.ts'

const CSV_TYPE = 'text/csv'
function idNumber(sequence: number): string {
  const first17 = `50010319790202${String(sequence).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}
const sheet = Buffer.from(
  ['姓名,身份证号,手机号,单位', `王一,${idNumber(11)},13700000011,重庆市第一人民医院`, `李二,${idNumber(12)},13700000012,重庆市第一人民医院`, `坏行,${idNumber(13).slice(0, 17)}0,13700000013,重庆市第一人民医院`].join('\r\n'),
)

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => {
  await t.close()
})

describe('POST /api/staff/bulk-registrations', () => {
  const upload = (token: string, body: Buffer = sheet) =>
    t.app.inject({ method: 'POST', url: '/api/staff/bulk-registrations?fileName=名单.csv', headers: { ...bearer(token), 'content-type': CSV_TYPE }, payload: body })

  it('refuses learner tokens', async () => {
    const learner = await registerLearner(t.app)
    const res = await upload(learner.accessToken)
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('STAFF_UNAUTHORIZED')
  })

  it('refuses 财务 before reading the sheet: registering learners is 客服 work', async () => {
    const finance = await signInNewStaff(t.app, t.database.db, 'finance')
    const res = await upload(finance.token)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('STAFF_FORBIDDEN')
    expect(await t.database.db.select().from(devSmsOutbox).where(sentTo('13700000011'))).toHaveLength(0)
  })

  it('creates the missing accounts once, texts their initial passwords, reports the bad row and audits each run', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const first = await upload(staff.token)
    expect(first.statusCode).toBe(200)
    expect(first.json().counts).toMatchObject({ rows: 3, created: 2, existed: 0, invalid: 1 })
    expect(first.body).not.toContain(idNumber(11))
    const texts = await t.database.db.select().from(devSmsOutbox).where(sentTo('13700000011'))
    expect(texts).toHaveLength(1)

    const again = await upload(staff.token)
    expect(again.json().counts).toMatchObject({ rows: 3, created: 0, existed: 2, invalid: 1 })
    const audit = (await t.database.db.select().from(staffAuditLog)).filter((row) => row.action === 'accounts.bulk_register')
    expect(audit.map((row) => row.staffId)).toEqual([staff.staffId, staff.staffId])
  })

  it('answers an unreadable upload with a stable code', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const res = await t.app.inject({ method: 'POST', url: '/api/staff/bulk-registrations?fileName=名单.xlsx', headers: { ...bearer(staff.token), 'content-type': 'application/octet-stream' }, payload: Buffer.from('not a workbook') })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('BULK_SHEET_UNREADABLE')
  })
})
