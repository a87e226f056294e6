import ExcelJS from 'exceljs'
import type { BulkRegistrationResult, RowOutcome } from './bulk-registration.service.ts'

/** The result sheet staff send back to the unit: one line per row of theirs, masked. */

const OUTCOME: Record<RowOutcome, string> = { created: '已创建', existed: '已存在', invalid: '无效' }

export async function writeResultSheet(result: BulkRegistrationResult): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('导入结果')
  sheet.columns = [
    { header: '行号', key: 'line', width: 8 },
    { header: '姓名', key: 'name', width: 12 },
    { header: '身份证号', key: 'idNumber', width: 22 },
    { header: '手机号', key: 'phone', width: 14 },
    { header: '单位', key: 'unit', width: 28 },
    { header: '结果', key: 'outcome', width: 10 },
    { header: '说明', key: 'reason', width: 60 },
  ]
  sheet.getRow(1).font = { bold: true }
  for (const row of result.rows) {
    sheet.addRow({ line: row.line, name: row.name, idNumber: row.idNumberMasked, phone: row.phoneMasked, unit: row.unit, outcome: OUTCOME[row.outcome], reason: row.reason })
  }
  const { counts } = result
  sheet.addRow([])
  sheet.addRow([`共 ${counts.rows} 行：已创建 ${counts.created}，已存在 ${counts.existed}，无效 ${counts.invalid}${counts.smsFailed ? `，短信发送失败 ${counts.smsFailed}` : ''}`])
  // Text cells only: a masked ID must never be turned into a number by Excel or WPS.
  sheet.getColumn('idNumber').numFmt = '@'
  sheet.getColumn('phone').numFmt = '@'
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
