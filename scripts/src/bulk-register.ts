/**
 * Staff bulk registration (ACC-5, OPS-2): creates the missing learner accounts of a unit's sheet
 * (姓名, 身份证号, 手机号, 单位 — the manual's 附件2, .xlsx or .csv), texts each new learner a one-time
 * initial password (changed at first sign-in), and writes the result sheet (已创建 / 已存在 / 无效
 * with the reason). Running it again creates nothing. The run is recorded with --staff.
 *
 *   pnpm --filter @app/scripts bulk-register 附件2.xlsx --staff 张老师 [--out 结果.xlsx]
 *
 * With SMS_PROVIDER unset, the messages go to the development outbox (GET /api/dev/sms-outbox).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '@app/server/src/config.ts'
import { createTencentSmsProvider } from '@app/server/src/integrations/sms/tencent.ts'
import { createDevOutboxProvider } from '@app/server/src/modules/auth/dev-sms-outbox.ts'
import { writeResultSheet } from '@app/server/src/modules/bulk-registration/bulk-registration.result-sheet.ts'
import { registerSheet } from '@app/server/src/modules/bulk-registration/bulk-registration.service.ts'
import { openDatabase, resolveArgPath, runCli, UsageError } from './cli.ts'

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
    const sms = config.sms ? createTencentSmsProvider(config.sms.tencent) : createDevOutboxProvider(database.db, { info() {} })
    const result = await registerSheet({ db: database.db, sms }, { content: fs.readFileSync(file), fileName: path.basename(file), staff: values.staff, source: 'cli' }, new Date())
    fs.writeFileSync(out, await writeResultSheet(result))
    const { counts } = result
    console.log(`${counts.rows} rows: created ${counts.created}, already existed ${counts.existed}, invalid ${counts.invalid}${counts.smsFailed ? `, SMS failed ${counts.smsFailed}` : ''}`)
    console.log(`result sheet: ${out}`)
    if (counts.invalid > 0 || counts.smsFailed > 0) process.exitCode = 2
  } finally {
    await database.close()
  }
})
