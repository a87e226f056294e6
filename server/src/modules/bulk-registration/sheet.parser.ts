import type ExcelJS from 'exceljs'
import { SheetColumnsMissingError, SheetFileTooLargeError, SheetTooLargeError, SheetUnpackedTooLargeError, SheetUnreadableError } from './bulk-registration.errors.ts'
import { checkXlsxArchive } from './xlsx-archive.parser.ts'

/**
 * Reads a unit's list (the manual's 附件2: 姓名, 身份证号, 手机号, 单位) from .xlsx or .csv into plain
 * text rows. Nothing is judged here except what only the file can tell: an ID number Excel stored
 * as a number has already lost its last digits, so it is passed on as a problem, not as text.
 */

export const MAX_ROWS = 5_000
export const MAX_FILE_BYTES = 5 * 1024 * 1024
/**
 * What the parts of an .xlsx may inflate to, all together. A list of 5,000 learners is 1–3 MB of
 * XML; a zip bomb (a few hundred KB inflating to gigabytes) is refused when it passes this.
 */
export const MAX_INFLATED_BYTES = 20 * 1024 * 1024
/** Rows a worksheet may have before the file is refused unread (titles and blank lines allowed). */
const MAX_SHEET_ROWS = MAX_ROWS + 20

export interface SheetRow {
  /** The row number as the spreadsheet shows it (1-based, header included), for the result sheet. */
  line: number
  name: string
  idNumber: string
  phone: string
  unit: string
  /** Set when the cell cannot be trusted whatever its text (an ID number stored as a number). */
  idNumberProblem: string | null
}

type Column = 'name' | 'idNumber' | 'phone' | 'unit'

const HEADERS: Record<Column, RegExp> = {
  name: /^(姓名|学员姓名|真实姓名)$/,
  idNumber: /^(身份证号|身份证号码|身份证|证件号码|公民身份号码)$/,
  phone: /^(手机号|手机号码|手机|联系电话|电话)$/,
  unit: /^(单位|工作单位|单位名称|所在单位)$/,
}
const REQUIRED: Column[] = ['name', 'idNumber', 'phone']
const COLUMN_LABEL: Record<Column, string> = { name: '姓名', idNumber: '身份证号', phone: '手机号', unit: '单位' }

type Cell = string | number | null

export async function readSheet(content: Buffer, fileName: string): Promise<SheetRow[]> {
  if (content.length > MAX_FILE_BYTES) throw new SheetFileTooLargeError(String(MAX_FILE_BYTES / 1024 / 1024))
  const lower = fileName.toLowerCase()
  const grid = lower.endsWith('.csv') ? readCsv(content) : lower.endsWith('.xlsx') ? await readXlsx(content) : null
  if (grid === null) throw new SheetUnreadableError('只支持 .xlsx 或 .csv 文件（.xls 请在 Excel/WPS 中另存为 .xlsx）')
  return toRows(grid)
}

async function readXlsx(content: Buffer): Promise<Cell[][]> {
  // Counted as a stream first, so neither a zip bomb nor a million rows ever reaches exceljs.
  const verdict = await checkXlsxArchive(content, { maxInflatedBytes: MAX_INFLATED_BYTES, maxRows: MAX_SHEET_ROWS })
  if (!verdict.ok) {
    if (verdict.reason === 'too-many-rows') throw new SheetTooLargeError(String(MAX_ROWS))
    if (verdict.reason === 'inflates-too-far') throw new SheetUnpackedTooLargeError(String(MAX_INFLATED_BYTES / 1024 / 1024))
    throw new SheetUnreadableError(verdict.reason === 'unsupported' ? '文件已加密或使用了不支持的压缩方式：请在 Excel/WPS 中另存为 .xlsx' : '文件不是有效的 .xlsx 表格')
  }
  // exceljs loads on first use (~28 MB that an instance serving learners never needs).
  const { default: Excel } = await import('exceljs')
  const workbook = new Excel.Workbook()
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer)
  } catch {
    throw new SheetUnreadableError('文件不是有效的 .xlsx 表格')
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new SheetUnreadableError('表格中没有工作表')
  if (sheet.rowCount > MAX_SHEET_ROWS) throw new SheetTooLargeError(String(MAX_ROWS))
  const grid: Cell[][] = []
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: Cell[] = []
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value)
    })
    grid[rowNumber - 1] = cells
  })
  return grid
}

/** Text of a cell, whatever Excel or WPS stored: rich text, formula results, hyperlinks. */
function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return value
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if ('richText' in value) return value.richText.map((part) => part.text).join('')
  if ('result' in value) return value.result === undefined || value.result === null ? null : cellValue(value.result as ExcelJS.CellValue)
  if ('text' in value) return String(value.text)
  return null
}

/** RFC 4180 CSV; Excel in China saves CSV as GBK, so bytes that are not UTF-8 are read as GB18030. */
function readCsv(content: Buffer): Cell[][] {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content)
  } catch {
    text = new TextDecoder('gb18030').decode(content)
  }
  const grid: Cell[][] = []
  let row: Cell[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      grid.push(row)
      if (grid.length > MAX_SHEET_ROWS) throw new SheetTooLargeError(String(MAX_ROWS))
      row = []
      field = ''
    } else field += ch
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    grid.push(row)
  }
  return grid
}

/** Header text as typed, without BOM, spaces, 「*」 required marks or (选填)-style notes. */
function headerKey(cell: Cell): string {
  return String(cell ?? '')
    .replace(/^\uFEFF/, '')
    .replace(/[\s*＊]/g, '')
    .replace(/[（(].*[)）]$/, '')
}

function toRows(grid: Cell[][]): SheetRow[] {
  // The header is the first row (among the first 10: titles above it are common) naming the columns.
  let headerIndex = -1
  let columns: Partial<Record<Column, number>> = {}
  for (let r = 0; r < Math.min(grid.length, 10) && headerIndex === -1; r++) {
    const found: Partial<Record<Column, number>> = {}
    ;(grid[r] ?? []).forEach((cell, c) => {
      const key = headerKey(cell)
      for (const column of Object.keys(HEADERS) as Column[]) if (found[column] === undefined && HEADERS[column].test(key)) found[column] = c
    })
    if (REQUIRED.every((column) => found[column] !== undefined)) {
      headerIndex = r
      columns = found
    }
  }
  if (headerIndex === -1) throw new SheetColumnsMissingError(REQUIRED.map((column) => COLUMN_LABEL[column]).join('、'))

  const rows: SheetRow[] = []
  for (let r = headerIndex + 1; r < grid.length; r++) {
    const cells = grid[r] ?? []
    const at = (column: Column): Cell => (columns[column] === undefined ? null : (cells[columns[column] as number] ?? null))
    const text = (cell: Cell) => (cell === null ? '' : typeof cell === 'number' ? String(cell) : cell)
    const idCell = at('idNumber')
    const row: SheetRow = {
      line: r + 1,
      name: text(at('name')),
      idNumber: text(idCell),
      phone: text(at('phone')),
      unit: text(at('unit')).trim(),
      // Above 2^53 a number has lost digits; Excel keeps 15 significant digits of anything longer.
      idNumberProblem: typeof idCell === 'number' ? '身份证号被表格存成了数字，末尾几位已丢失：请把该列设为「文本」后重新填写' : null,
    }
    if (!row.name.trim() && !row.idNumber.trim() && !row.phone.trim()) continue
    rows.push(row)
    if (rows.length > MAX_ROWS) throw new SheetTooLargeError(String(MAX_ROWS))
  }
  return rows
}
