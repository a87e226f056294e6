/**
 * Staff bulk registration (ACC-5, OPS-2): creates the missing learner accounts of a unit's sheet
 * (姓名, 身份证号, 手机号, 单位 — the manual's 附件2, .xlsx or .csv), texts each new learner a one-time
 * initial password (changed at first sign-in), and writes the result sheet (已创建 / 已存在 / 无效
 * with the reason). Running it again creates nothing. The run is recorded with --staff.
 *
 *   pnpm --filter @app/scripts bulk-register 附件2.xlsx --staff 张老师 [--out 结果.xlsx]
 *
 * With SMS_PROVIDER unset, the messages go to the development outbox (GET /api/dev/sms-outbox).
 * Exit 0 when the run finished (rows it could not register are named in the summary and the result
 * sheet), 1 when nothing was done (the line after `error:` says why).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { type BulkRegistrationResult, commandSmsProvider, loadConfig, registerSheet, writeResultSheet } from '@app/server/commands'
import { openDatabase, resolveArgPath, runCli, UsageError } from './cli.ts'

/**
 * What the run did, in lines an operator reads. A sheet with bad rows is a finished run (the good
 * rows are registered, the others are listed with their reasons), so it exits 0 like any other:
 * the lines, not the exit code, say which rows need attention.
 */
function summary(counts: BulkRegistrationResult['counts'], out: string): string[] {
  const lines = [`done: ${counts.rows} rows — ${counts.created} created, ${counts.existed} already registered, ${counts.invalid} not registered`]
  if (counts.invalid > 0) lines.push(`${counts.invalid} row${counts.invalid === 1 ? ' was' : 's were'} not registered (bad or duplicate data): the reasons are in the result sheet; correct them and run the sheet again`)
  if (counts.smsFailed > 0) lines.push(`${counts.smsFailed} initial-password SMS failed: those learners set a password with 忘记密码 on the sign-in page (marked in the result sheet)`)
  lines.push(`result sheet: ${out}`)
  return lines
}

await runCli(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { staff: { type: 'string' }, out: { type: 'string' } } })
  const input = positionals[0]
  if (!input || !values.staff) throw new UsageError('usage: bulk-register <sheet.xlsx|sheet.csv> --staff <name> [--out <result.xlsx>]')
  const file = resolveArgPath(input)
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`)
  const out = resolveArgPath(values.out ?? `${path.basename(file).replace(/\.(xlsx|csv)$/i, '')}-结果.xlsx`)
  const config = loadConfig()
  const database = await openDatabase()
  try {
    const sms = commandSmsProvider(config, database.db)
    const result = await registerSheet({ db: database.db, sms }, { content: fs.readFileSync(file), fileName: path.basename(file), staff: values.staff, source: 'cli' }, new Date())
    fs.writeFileSync(out, await writeResultSheet(result))
    for (const line of summary(result.counts, out)) console.log(line)
  } finally {
    await database.close()
  }
})
