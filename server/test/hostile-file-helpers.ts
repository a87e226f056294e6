import { crc32, createDeflateRaw } from 'node:zlib'

/**
 * Hostile uploads, made the way an attacker would: valid zip archives (CRCs and sizes right) that
 * Excel's file format allows, built as streams so making them costs the test little memory. Used
 * by the bulk-registration tests and by `pnpm bench:uploads`.
 */

interface ZipPart {
  name: string
  /** The part's bytes, produced piece by piece (a zip bomb's gigabytes are never held). */
  content: () => Iterable<Buffer>
}

async function deflatePart(part: ZipPart): Promise<{ data: Buffer; crc: number; size: number }> {
  const deflater = createDeflateRaw({ level: 9 })
  const out: Buffer[] = []
  deflater.on('data', (chunk: Buffer) => out.push(chunk))
  const finished = new Promise<void>((resolve, reject) => {
    deflater.on('end', resolve)
    deflater.on('error', reject)
  })
  let crc = 0
  let size = 0
  for (const piece of part.content()) {
    crc = crc32(piece, crc)
    size += piece.length
    if (!deflater.write(piece)) await new Promise((resolve) => deflater.once('drain', resolve))
  }
  deflater.end()
  await finished
  return { data: Buffer.concat(out), crc, size }
}

/** A zip of deflated parts (sizes below 4 GiB: no Zip64), as APPNOTE.TXT §4.3 lays it out. */
async function zip(parts: ZipPart[]): Promise<Buffer> {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const { data, crc, size } = await deflatePart(part)
    const name = Buffer.from(part.name, 'utf8')
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc >>> 0, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(size >>> 0, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc >>> 0, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(size >>> 0, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, data)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const text = (value: string) => () => [Buffer.from(value, 'utf8')]
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

/** The parts every workbook has, around one worksheet whose XML `sheet` produces. */
function workbook(sheet: () => Iterable<Buffer>): ZipPart[] {
  return [
    {
      name: '[Content_Types].xml',
      content: text(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
      ),
    },
    { name: '_rels/.rels', content: text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', content: text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="附件2" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', content: text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: 'xl/worksheets/sheet1.xml', content: sheet },
  ]
}

/** An .xlsx whose one worksheet is the given XML, produced piece by piece. */
export function xlsxOfSheetXml(sheet: () => Iterable<Buffer>): Promise<Buffer> {
  return zip(workbook(sheet))
}

const cell = (ref: string, value: string) => `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`
const HEADER_ROW = `<row r="1">${cell('A1', '姓名')}${cell('B1', '身份证号')}${cell('C1', '手机号')}${cell('D1', '单位')}</row>`

/**
 * A zip bomb .xlsx: the header row, then one cell whose text is `inflatedBytes` of the same letter.
 * 300 MB inflated is about 300 KB on disk (deflate's ratio tops out near 1,000 : 1).
 */
export function zipBombXlsx(inflatedBytes = 300 * 1024 * 1024): Promise<Buffer> {
  return zip(
    workbook(function* () {
      yield Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>`)
      const block = Buffer.alloc(1024 * 1024, 'A')
      for (let left = inflatedBytes; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left)
      yield Buffer.from('</t></is></c></row></sheetData></worksheet>')
    }),
  )
}

/**
 * An .xlsx of `rows` learners under the header: the same name, ID number (with a wrong check
 * character) and unit on every row, a different phone number on each. With `references: false` the
 * row and cell references are left out, as the format allows: a million rows then come to about
 * 3 MB, under the 5 MB upload cap (with them, ~19 MB). Excel and exceljs write them.
 */
export function manyRowsXlsx(rows = 1_000_000, { references = true } = {}): Promise<Buffer> {
  const inline = (ref: string, value: string) => `<c${references ? ` r="${ref}"` : ''} t="inlineStr"><is><t>${value}</t></is></c>`
  return zip(
    workbook(function* () {
      yield Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${HEADER_ROW}`)
      let batch = ''
      for (let r = 2; r <= rows + 1; r++) {
        const row = references ? `<row r="${r}">` : '<row>'
        batch += `${row}${inline(`A${r}`, '学员')}${inline(`B${r}`, '500103198001010011')}${inline(`C${r}`, String(13_000_000_000 + r))}${inline(`D${r}`, '某单位')}</row>`
        if (batch.length > 256 * 1024) {
          yield Buffer.from(batch)
          batch = ''
        }
      }
      yield Buffer.from(`${batch}</sheetData></worksheet>`)
    }),
  )
}

/** A .csv of `bytes` bytes: the header, then short rows until the size is reached. */
export function hugeCsv(bytes: number): Buffer {
  const header = Buffer.from('姓名,身份证号,手机号,单位\n')
  const row = Buffer.from('张三,500103198001010011,13700000011,某单位\n')
  const out = Buffer.alloc(bytes, row.toString())
  header.copy(out, 0)
  return out
}
