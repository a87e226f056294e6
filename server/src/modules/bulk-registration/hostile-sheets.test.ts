import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer } from '../../../test/auth-helpers.ts'
import { hugeCsv, manyRowsXlsx, zipBombXlsx } from '../../../test/hostile-file-helpers.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

let t: TestApp
let token: string
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
  token = (await signInNewStaff(t.app, t.database.db)).token
})
afterAll(async () => {
  await t.close()
})

const upload = (fileName: string, payload: Buffer, type = XLSX_TYPE) =>
  t.app.inject({ method: 'POST', url: `/api/staff/bulk-registrations?fileName=${encodeURIComponent(fileName)}`, headers: { ...bearer(token), 'content-type': type }, payload })

describe('hostile sheets are refused with a clear message', () => {
  it('refuses a zip bomb (a small .xlsx inflating past 20 MB)', async () => {
    const bomb = await zipBombXlsx(64 * 1024 * 1024)
    expect(bomb.length).toBeLessThan(200 * 1024)
    const res = await upload('名单.xlsx', bomb)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'BULK_SHEET_UNPACKED_TOO_LARGE', message: expect.stringContaining('解压后超过 20 MB') })
  })

  it('refuses an .xlsx or .csv over the 5,000-row cap, saying how many rows one import takes', async () => {
    const xlsx = await upload('名单.xlsx', await manyRowsXlsx(6_000))
    expect(xlsx.statusCode).toBe(400)
    expect(xlsx.json()).toMatchObject({ code: 'BULK_SHEET_TOO_LARGE', message: expect.stringContaining('一次最多导入 5000 行') })
    const csv = await upload('名单.csv', hugeCsv(4 * 1024 * 1024), 'text/csv')
    expect(csv.statusCode).toBe(400)
    expect(csv.json().code).toBe('BULK_SHEET_TOO_LARGE')
  })

  it('refuses a file over 5 MB as it arrives, with the limit in the message', async () => {
    const res = await upload('名单.csv', hugeCsv(6 * 1024 * 1024), 'text/csv')
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ code: 'BULK_SHEET_FILE_TOO_LARGE', message: expect.stringContaining('文件超过 5 MB') })
  })

  it('still reads a sheet of 5,000 learners after all that', async () => {
    const res = await upload('名单.xlsx', await manyRowsXlsx(5_000))
    // The generated ID numbers have no valid check character: every row is read and judged.
    expect({ status: res.statusCode, body: res.json() }).toMatchObject({ status: 200, body: { counts: { rows: 5_000, created: 0, invalid: 5_000 } } })
  })
})
