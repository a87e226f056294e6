/**
 * Completion report (OPS-3): per unit or 区县 and year, who completed, who is studying and who has
 * not started, as an .xlsx file with a summary sheet and one row per learner.
 *
 *   pnpm --filter @app/scripts completion-report --year 2025 [--unit <id> | --district <code>] --out report.xlsx [--full-id-numbers]
 *
 * Learners belong to the unit or 区县 they chose for that year's certificate, else for their latest
 * certificate, else to 「未选择单位」 (see completion-report.repository.ts). ID numbers are masked
 * unless --full-id-numbers is given.
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { completionReport, completionWorkbook, districtName, findOrganisation } from '@app/server/commands'
import { openDatabase, resolveArgPath, runCli, UsageError } from './cli.ts'

const USAGE = 'usage: completion-report --year <YYYY> [--unit <id> | --district <6-digit code>] --out <file.xlsx> [--full-id-numbers]'

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      year: { type: 'string' },
      unit: { type: 'string' },
      district: { type: 'string' },
      out: { type: 'string' },
      'full-id-numbers': { type: 'boolean', default: false },
    },
  })
  const year = Number(values.year)
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError(`--year must be a year such as 2025\n${USAGE}`)
  if (!values.out?.endsWith('.xlsx')) throw new UsageError(`--out must name an .xlsx file\n${USAGE}`)
  if (values.unit && values.district) throw new UsageError(`give --unit or --district, not both\n${USAGE}`)
  const unitId = values.unit === undefined ? undefined : Number(values.unit)
  if (unitId !== undefined && (!Number.isInteger(unitId) || unitId < 1)) throw new UsageError('--unit must be a unit id')
  if (values.district !== undefined && !districtName(values.district)) throw new UsageError(`--district ${values.district} is not a Chongqing 区县 code (5001xx / 5002xx)`)

  const database = await openDatabase()
  try {
    let scope = '全部单位'
    if (unitId !== undefined) {
      const unit = await findOrganisation(database.db, unitId)
      if (!unit) throw new UsageError(`no unit with id ${unitId}`)
      scope = unit.name
    } else if (values.district) {
      scope = `重庆市${districtName(values.district)}`
    }
    const rows = await completionReport(database.db, { year, unitId, districtCode: values.district })
    const file = await completionWorkbook(rows, { title: `${year}年${scope}继续教育完成情况`, fullIdNumbers: values['full-id-numbers'] })
    const out = resolveArgPath(values.out)
    fs.writeFileSync(out, file)
    const count = (status: string) => rows.filter((r) => r.status === status).length
    console.log(`${out}: ${rows.length} learners (${count('completed')} completed, ${count('studying')} studying, ${count('not_started')} not started) — ${scope}, ${year}`)
  } finally {
    await database.close()
  }
})
