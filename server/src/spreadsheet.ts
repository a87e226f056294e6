/**
 * .xlsx files that open in Excel and WPS: a header row in bold, frozen, and every value written
 * as given (strings stay strings, so an 18-digit ID number is never turned into 5.0E+17). Used by
 * the completion report and the group-purchase files. exceljs is loaded on first use: most
 * processes never write a spreadsheet.
 * @see https://github.com/exceljs/exceljs
 */
export interface SheetColumn {
  header: string
  key: string
  width: number
  /** Excel number format, e.g. 'yyyy-mm-dd hh:mm' for dates. */
  numFmt?: string
}

export interface SheetSpec {
  name: string
  columns: SheetColumn[]
  rows: Iterable<Record<string, string | number | Date | null>>
}

export async function writeWorkbook(title: string, sheets: SheetSpec[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs')
  const book = new ExcelJS.Workbook()
  book.creator = '重庆专技人员继续教育'
  book.title = title
  for (const spec of sheets) {
    const sheet = book.addWorksheet(spec.name)
    sheet.columns = spec.columns.map(({ header, key, width }) => ({ header, key, width }))
    for (const row of spec.rows) sheet.addRow(row)
    for (const column of spec.columns) if (column.numFmt) sheet.getColumn(column.key).numFmt = column.numFmt
    sheet.getRow(1).font = { bold: true }
    sheet.views = [{ state: 'frozen', ySplit: 1 }]
  }
  return Buffer.from(await book.xlsx.writeBuffer())
}
