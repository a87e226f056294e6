import { maskIdNumber } from '@app/shared'
import { writeWorkbook } from '../../core/spreadsheet.ts'
import type { CompletionRow, CompletionStatus } from './completion-report.read-model.ts'

export const STATUS_LABELS: Record<CompletionStatus, string> = { completed: '已完成', studying: '学习中', not_started: '未开始' }
/** The statuses in the order the summary's columns show them. */
const STATUSES = Object.keys(STATUS_LABELS) as CompletionStatus[]

export interface ReportOptions {
  title: string
  /** Full ID numbers only when the operator asks on the command line (the file leaves our systems); the console always masks. */
  fullIdNumbers: boolean
}

/** The completion report (OPS-3) as a workbook, for the `completion-report` command and the console's 统计. Two sheets: 汇总 (counts per organisation) and 明细 (one row per learner and project). */
export async function completionWorkbook(rows: CompletionRow[], options: ReportOptions): Promise<Buffer> {
  const groups = new Map<string, Record<CompletionStatus, number>>()
  for (const r of rows) {
    const g = groups.get(r.organisationName) ?? { completed: 0, studying: 0, not_started: 0 }
    g[r.status] += 1
    groups.set(r.organisationName, g)
  }
  return writeWorkbook(options.title, [
    {
      name: '汇总',
      columns: [
        { header: '单位/区县', key: 'organisation', width: 44 },
        ...STATUSES.map((status) => ({ header: STATUS_LABELS[status], key: status, width: 10 })),
        { header: '合计', key: 'total', width: 10 },
      ],
      rows: [...groups].map(([organisation, g]) => ({ organisation, ...g, total: g.completed + g.studying + g.not_started })),
    },
    {
      name: '明细',
      columns: [
        { header: '单位/区县', key: 'organisationName', width: 44 },
        { header: '所在区县', key: 'districtName', width: 14 },
        { header: '姓名', key: 'realName', width: 12 },
        { header: '身份证号', key: 'idNumber', width: 22 },
        { header: '培训项目', key: 'projectTitle', width: 44 },
        { header: '年度', key: 'year', width: 8 },
        { header: '要求学时', key: 'requiredHours', width: 10 },
        { header: '已获学时', key: 'countedHours', width: 10 },
        { header: '状态', key: 'status', width: 10 },
        { header: '完成时间', key: 'completedAt', width: 20, numFmt: 'yyyy-mm-dd hh:mm' },
        { header: '证书编号', key: 'certificateNumber', width: 24 },
      ],
      rows: rows.map((r) => ({
        ...r,
        // Text, so Excel keeps all 18 characters instead of turning the number into 5.0E+17.
        idNumber: options.fullIdNumbers ? r.idNumber : maskIdNumber(r.idNumber),
        status: STATUS_LABELS[r.status],
        completedAt: r.completedAt ?? '',
        certificateNumber: r.certificateNumber ?? '',
      })),
    },
  ])
}
