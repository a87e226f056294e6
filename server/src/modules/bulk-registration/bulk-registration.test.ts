import ExcelJS from 'exceljs'
import { eq } from 'drizzle-orm'
import { idNumberCheckChar } from '@app/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../db/client.ts'
import { bulkRegisteredUsers, bulkRegistrations, devSmsOutbox, users } from '../../db/schema.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { SmsSendError } from '../../integrations/sms/provider.ts'
import { createDevOutboxProvider } from '../auth/dev-sms-outbox.adapter.ts'
import { hashPassword, verifyPassword } from '../auth/passwords.service.ts'
import { writeResultSheet } from './result-sheet.view.ts'
import { registerSheet, type BulkRegistrationResult } from './bulk-registration.service.ts'
import { sentTo } from '../auth/dev-sms-outbox.repository.ts'
import { idNumberIs, openUser, sealedUserColumns } from '../auth/users.repository.ts'

/** A valid GB 11643 number: Chongqing 渝中区, born 1980-01-01, the given sequence. */
function idNumber(sequence: number): string {
  const first17 = `50010319800101${String(sequence).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}
function withWrongCheckDigit(value: string): string {
  return value.slice(0, 17) + (value[17] === '0' ? '1' : '0')
}
/** One that ends in X (the check character), to test the lower-case x a unit types. */
function idEndingInX(): string {
  for (let sequence = 100; ; sequence++) if (idNumber(sequence).endsWith('X')) return idNumber(sequence)
}

async function xlsx(rows: Array<Array<string | number>>, title?: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('附件2')
  if (title) sheet.addRow([title])
  sheet.addRow(['姓名', '身份证号', '手机号', '单位'])
  for (const row of rows) sheet.addRow(row)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

let database: Database
const log = { info() {} }
let sms: SmsProvider

beforeAll(async () => {
  database = await createTestDatabase()
  sms = createDevOutboxProvider(database.db, log)
})
afterAll(async () => {
  await database.close()
})

const byLine = (result: BulkRegistrationResult, line: number) => result.rows.find((row) => row.line === line)!

describe('bulk registration from a unit’s sheet', () => {
  const X = idEndingInX()
  it('creates the missing accounts, reports every other row with its reason, and re-running creates nothing', async () => {
    const now = new Date()
    // Accounts that exist before the sheet arrives.
    const passwordHash = await hashPassword('Existing123')
    await database.db.insert(users).values([
      { realName: '老学员', ...sealedUserColumns({ idNumber: idNumber(50), phone: '13900000050' }), passwordHash },
      { realName: '别人', ...sealedUserColumns({ idNumber: idNumber(51), phone: '13900000051' }), passwordHash },
      { realName: '换号', ...sealedUserColumns({ idNumber: idNumber(52), phone: '13900000052' }), passwordHash },
    ])
    const sheet = await xlsx(
      [
        ['张三', idNumber(1), '13800000001', '重庆市第一人民医院'], // line 3: created
        [' 李四 ', ` ${X.slice(0, 17)}x\u200B `, '138 0000 0002', '重庆市第一人民医院'], // 4: created (normalised)
        ['老学员', idNumber(50), '13900000050', '重庆市第一人民医院'], // 5: existed
        ['王五', idNumber(53), '13900000051', '重庆市第一人民医院'], // 6: phone belongs to another account
        ['换号', idNumber(52), '13800000006', '重庆市第一人民医院'], // 7: ID belongs to an account with another phone
        ['赵六', withWrongCheckDigit(idNumber(7)), '13800000007', '重庆市第一人民医院'], // 8: check digit
        ['孙七', idNumber(8), '1380000008', '重庆市第一人民医院'], // 9: phone format
        ['张三', idNumber(1), '13800000001', '重庆市第一人民医院'], // 10: exact repeat of line 3
        ['周八', idNumber(10), '13800000010', '重庆市第一人民医院'], // 11: same ID as line 12, other phone
        ['周八', idNumber(10), '13800000011', '重庆市第一人民医院'], // 12
        ['吴九', 500103198001011000, '13800000013', '重庆市第一人民医院'], // 13: ID stored as a number
        ['', idNumber(14), '13800000014', '重庆市第一人民医院'], // 14: no name
      ],
      '重庆市第一人民医院 未注册学员名单',
    )

    const first = await registerSheet({ db: database.db, sms }, { content: sheet, fileName: '附件2.xlsx', staff: '张老师', source: 'cli' }, now)
    expect(first.counts).toEqual({ rows: 12, created: 2, existed: 1, invalid: 9, smsFailed: 0 })
    expect(byLine(first, 3)).toMatchObject({ outcome: 'created', sms: 'sent' })
    expect(byLine(first, 4)).toMatchObject({ outcome: 'created', name: '李四' })
    expect(byLine(first, 5)).toMatchObject({ outcome: 'existed' })
    expect(byLine(first, 6).reason).toContain('手机号已被另一个账号使用')
    expect(byLine(first, 7).reason).toContain('另一个手机号')
    expect(byLine(first, 8).reason).toContain('校验位')
    expect(byLine(first, 9).reason).toContain('11 位')
    expect(byLine(first, 10).reason).toBe('与第 3 行重复')
    expect(byLine(first, 11).reason).toContain('不一致')
    expect(byLine(first, 12).reason).toContain('不一致')
    expect(byLine(first, 13).reason).toContain('存成了数字')
    expect(byLine(first, 14).reason).toBe('姓名为空')
    // Nothing in the result shows a whole ID number or phone.
    expect(JSON.stringify(first)).not.toContain(idNumber(1))
    expect(JSON.stringify(first)).not.toContain('13800000001')

    // The created accounts: canonical values, flagged, and the password from the SMS signs in.
    const li = (await database.db.select().from(users).where(idNumberIs(X))).map(openUser)[0]!
    expect(li).toMatchObject({ realName: '李四', phone: '13800000002', mustChangePassword: true })
    const [message] = await database.db.select().from(devSmsOutbox).where(sentTo('13800000002'))
    expect(message?.purpose).toBe('initial_password')
    expect(await verifyPassword(message!.code, li.passwordHash)).toBe(true)
    const old = (await database.db.select().from(users).where(idNumberIs(idNumber(50))))[0]!
    expect(old.mustChangePassword).toBe(false)
    expect(await database.db.select().from(users).where(idNumberIs(idNumber(53)))).toHaveLength(0)
    const [link] = await database.db.select().from(bulkRegisteredUsers).where(eq(bulkRegisteredUsers.userId, li.id))
    expect(link).toMatchObject({ unitName: '重庆市第一人民医院', smsSent: true })

    const again = await registerSheet({ db: database.db, sms }, { content: sheet, fileName: '附件2.xlsx', staff: '张老师', source: 'cli' }, now)
    expect(again.counts).toMatchObject({ created: 0, existed: 3, invalid: 9 })
    expect(byLine(again, 3).outcome).toBe('existed')
    expect(await database.db.select().from(devSmsOutbox).where(sentTo('13800000002'))).toHaveLength(1)
    // Both runs are on record, with who ran them and the sheet's fingerprint.
    const runs = await database.db.select().from(bulkRegistrations)
    expect(runs.map((run) => [run.staff, run.created, run.existed])).toEqual([['张老师', 2, 1], ['张老师', 0, 3]])
    expect(runs[0]!.fileSha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reads a CSV saved by Excel in GBK', async () => {
    const header = Buffer.from('D0D5C3FB2CC9EDB7DDD6A4BAC52CCAD6BBFABAC52CB5A5CEBB0D0A', 'hex') // 姓名,身份证号,手机号,单位\r\n
    const name = Buffer.from('D5C5C8FD', 'hex') // 张三
    const csv = Buffer.concat([header, name, Buffer.from(`,${idNumber(20)},13800000020,\r\n`)])
    const result = await registerSheet({ db: database.db, sms }, { content: csv, fileName: 'list.csv', staff: '张老师', source: 'cli' }, new Date())
    expect(result.rows).toEqual([expect.objectContaining({ line: 2, name: '张三', outcome: 'created' })])
  })

  it('keeps the account when its SMS fails, and says how the learner gets in', async () => {
    const failing: SmsProvider = {
      name: 'failing',
      sendVerificationCode: async () => {},
      sendInitialPassword: async ({ phone }) => {
        if (phone === '13800000031') throw new SmsSendError('Tencent SMS did not send: LimitExceeded.PhoneNumberDailyLimit', 'LimitExceeded.PhoneNumberDailyLimit')
      },
    }
    const sheet = await xlsx([['钱一', idNumber(30), '13800000030', '某设计院'], ['钱二', idNumber(31), '13800000031', '某设计院']])
    const result = await registerSheet({ db: database.db, sms: failing }, { content: sheet, fileName: 'a.xlsx', staff: '李老师', source: 'api' }, new Date())
    expect(result.counts).toMatchObject({ created: 2, smsFailed: 1 })
    expect(byLine(result, 3)).toMatchObject({ outcome: 'created', sms: 'failed' })
    expect(byLine(result, 3).reason).toContain('忘记密码')
    const [run] = await database.db.select().from(bulkRegistrations).where(eq(bulkRegistrations.id, result.runId))
    expect(run?.smsFailed).toBe(1)
  })

  it('refuses a sheet without the columns, and other file types', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('x').addRow(['名字', '证件', '电话'])
    const noColumns = Buffer.from(await workbook.xlsx.writeBuffer())
    await expect(registerSheet({ db: database.db, sms }, { content: noColumns, fileName: 'x.xlsx', staff: 's', source: 'cli' }, new Date())).rejects.toMatchObject({ code: 'BULK_SHEET_COLUMNS_MISSING' })
    await expect(registerSheet({ db: database.db, sms }, { content: Buffer.from('x'), fileName: 'x.xls', staff: 's', source: 'cli' }, new Date())).rejects.toMatchObject({ code: 'BULK_SHEET_UNREADABLE' })
    await expect(registerSheet({ db: database.db, sms }, { content: Buffer.from('not a zip'), fileName: 'x.xlsx', staff: 's', source: 'cli' }, new Date())).rejects.toMatchObject({ code: 'BULK_SHEET_UNREADABLE' })
  })

  it('writes a result sheet that reads back as text, masked', async () => {
    const sheet = await xlsx([['郑一', idNumber(40), '13800000040', '某学校'], ['郑二', 'abc', '13800000041', '某学校']])
    const result = await registerSheet({ db: database.db, sms }, { content: sheet, fileName: 'b.xlsx', staff: 's', source: 'cli' }, new Date())
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await writeResultSheet(result)) as unknown as ArrayBuffer)
    const rows = workbook.worksheets[0]!.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1))
    expect(rows[0]).toEqual(['行号', '姓名', '身份证号', '手机号', '单位', '结果', '说明'])
    expect(rows[1]).toEqual([2, '郑一', `5001${'*'.repeat(10)}${idNumber(40).slice(-4)}`, '138****0040', '某学校', '已创建', expect.stringContaining('首次登录须修改密码')])
    expect(rows[2]?.[5]).toBe('无效')
    expect(String(rows.at(-1)?.[0])).toContain('已创建 1')
  })
})
