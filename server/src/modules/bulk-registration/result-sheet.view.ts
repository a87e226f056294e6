import { writeWorkbook } from '../../core/spreadsheet.ts'
import type { BulkRegistrationResult, RowOutcome } from './bulk-registration.service.ts'

/** The result sheet staff send back to the unit: one line per row of theirs, masked. */

const OUTCOME: Record<RowOutcome, string> = { created: '已创建', existed: '已存在', invalid: '无效' }

export async function writeResultSheet(result: BulkRegistrationResult): Promise<Buffer> {
  const { counts } = result
  const summary = `共 ${counts.rows} 行：已创建 ${counts.created}，已存在 ${counts.existed}，无效 ${counts.invalid}${counts.smsFailed ? `，短信发送失败 ${counts.smsFailed}` : ''}`
  return writeWorkbook('批量注册导入结果', [
    {
      name: '导入结果',
      // Text cells only: a masked ID must never be turned into a number by Excel or WPS.
      columns: [
        { header: '行号', key: 'line', width: 8 },
        { header: '姓名', key: 'name', width: 12 },
        { header: '身份证号', key: 'idNumber', width: 22, numFmt: '@' },
        { header: '手机号', key: 'phone', width: 14, numFmt: '@' },
        { header: '单位', key: 'unit', width: 28 },
        { header: '结果', key: 'outcome', width: 10 },
        { header: '说明', key: 'reason', width: 60 },
      ],
      rows: [
        ...result.rows.map((row) => ({ line: row.line, name: row.name, idNumber: row.idNumberMasked, phone: row.phoneMasked, unit: row.unit, outcome: OUTCOME[row.outcome], reason: row.reason })),
        {},
        { line: summary },
      ],
    },
  ])
}

/** 下载模板: the manual's 附件2, its four columns as text cells (an 18-digit ID number typed into a number cell loses its last digits). */
export async function writeTemplateSheet(): Promise<Buffer> {
  return writeWorkbook('附件2 批量注册名单', [
    {
      name: '名单',
      columns: [
        { header: '姓名', key: 'name', width: 12 },
        { header: '身份证号', key: 'idNumber', width: 22, numFmt: '@' },
        { header: '手机号', key: 'phone', width: 14, numFmt: '@' },
        { header: '单位', key: 'unit', width: 28 },
      ],
      rows: [],
    },
  ])
}
