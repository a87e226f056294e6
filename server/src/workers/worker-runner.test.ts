import { describe, expect, it } from 'vitest'
import { manyRowsXlsx } from '../../test/hostile-file-helpers.ts'
import { runParser, WorkerBudgetExceeded } from './worker-runner.ts'

const csv = Buffer.from('姓名,身份证号,手机号,单位\n张三,500103198001010011,13700000011,某单位\n')

describe('parsers run in a worker thread within a budget', () => {
  it('answers the parser’s rows', async () => {
    const rows = await runParser('bulk-registration.sheet', { content: csv, fileName: 'a.csv' }, { timeoutMs: 60_000, maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 })
    expect(rows).toEqual([{ line: 2, name: '张三', idNumber: '500103198001010011', phone: '13700000011', unit: '某单位', idNumberProblem: null }])
  })

  it('passes the parser’s own refusal on with its code and message', async () => {
    await expect(runParser('bulk-registration.sheet', { content: csv, fileName: 'a.xls' }, { timeoutMs: 60_000, maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 })).rejects.toMatchObject({
      code: 'BULK_SHEET_UNREADABLE',
      statusCode: 400,
      message: expect.stringContaining('.xlsx'),
    })
  })

  it('ends a parser that runs out of time', async () => {
    const error = await runParser('bulk-registration.sheet', { content: csv, fileName: 'a.csv' }, { timeoutMs: 1, maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkerBudgetExceeded)
    expect((error as WorkerBudgetExceeded).kind).toBe('time')
  })

  it('ends a parser that runs out of memory', async () => {
    const sheet = await manyRowsXlsx(5_000)
    const error = await runParser('bulk-registration.sheet', { content: sheet, fileName: 'a.xlsx' }, { timeoutMs: 120_000, maxOldGenerationSizeMb: 12, maxYoungGenerationSizeMb: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkerBudgetExceeded)
    expect((error as WorkerBudgetExceeded).kind).toBe('memory')
  })
})
