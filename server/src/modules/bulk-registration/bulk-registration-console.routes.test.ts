import { idNumberCheckChar } from '@app/shared'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer } from '../../../test/auth-helpers.ts'
import { signInNewStaff, type SignedInStaff } from '../../../test/staff-helpers.ts'

// 批量注册 in the console: earlier runs (paged), the 附件2 template and the result sheet of an
// upload — 客服 and 管理员 only; the result sheet never carries a full ID number or phone.

function idNumber(sequence: number): string {
  const first17 = `50010319800303${String(sequence).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}

let t: TestApp
let operator: SignedInStaff
let finance: SignedInStaff
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
  operator = await signInNewStaff(t.app, t.database.db, 'operator')
  finance = await signInNewStaff(t.app, t.database.db, 'finance')
})
afterAll(async () => t.close())

async function cells(xlsx: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(xlsx as unknown as ArrayBuffer)
  const rows: string[][] = []
  book.worksheets[0]?.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}

const upload = (token: string, lines: string[]) =>
  t.app.inject({ method: 'POST', url: '/api/staff/bulk-registrations?fileName=名单.csv', headers: { ...bearer(token), 'content-type': 'text/csv' }, payload: Buffer.from(['姓名,身份证号,手机号,单位', ...lines].join('\r\n')) })

describe('批量注册 in the console', () => {
  it('refuses without a session and refuses 财务', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/bulk-registrations' })).statusCode).toBe(401)
    const res = await t.app.inject({ method: 'GET', url: '/api/staff/bulk-registrations/template.xlsx', headers: bearer(finance.token) })
    expect(res.statusCode).toBe(403)
  })

  it('gives the 附件2 template with its four columns', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/staff/bulk-registrations/template.xlsx', headers: bearer(operator.token) })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    expect(await cells(res.rawPayload)).toEqual([['姓名', '身份证号', '手机号', '单位']])
  })

  it('lists earlier runs newest first, paged', async () => {
    await upload(operator.token, [`王一,${idNumber(1)},13600000001,某单位`])
    await upload(operator.token, [`王二,${idNumber(2)},13600000002,某单位`, `坏行,123,13600000003,某单位`])
    const first = (await t.app.inject({ method: 'GET', url: '/api/staff/bulk-registrations?pageSize=1', headers: bearer(operator.token) })).json()
    expect(first).toMatchObject({ total: 2, page: 1, pageSize: 1, items: [{ rows: 2, created: 1, invalid: 1, source: 'api', staff: `staff:${operator.staffId}`, fileName: '名单.csv' }] })
    const second = (await t.app.inject({ method: 'GET', url: '/api/staff/bulk-registrations?pageSize=1&page=2', headers: bearer(operator.token) })).json()
    expect(second.items[0]).toMatchObject({ rows: 1, created: 1 })
  })

  it('writes the result sheet of an upload, masked even when sent full numbers', async () => {
    const result = (await upload(operator.token, [`李三,${idNumber(4)},13600000004,某单位`])).json()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/staff/bulk-registrations/result-sheet',
      headers: bearer(operator.token),
      payload: { counts: result.counts, rows: [...result.rows, { ...result.rows[0], line: 3, idNumberMasked: idNumber(5), phoneMasked: '13600000005' }] },
    })
    expect(res.statusCode).toBe(200)
    const sheet = await cells(res.rawPayload)
    expect(sheet[0]).toEqual(['行号', '姓名', '身份证号', '手机号', '单位', '结果', '说明'])
    expect(sheet[1]).toEqual(['2', '李三', '5001**********' + idNumber(4).slice(-4), '136****0004', '某单位', '已创建', expect.stringContaining('已创建')])
    const text = JSON.stringify(sheet)
    for (const full of [idNumber(4), idNumber(5), '13600000004', '13600000005']) expect(text).not.toContain(full)
  })
})
