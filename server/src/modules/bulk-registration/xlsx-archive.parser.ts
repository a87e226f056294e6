import { createInflateRaw } from 'node:zlib'

/**
 * Checks an .xlsx (a zip of XML parts) before any spreadsheet library sees it, reading the zip's
 * entries ourselves and inflating each as a stream: it stops as soon as the inflated bytes of the
 * whole archive pass `maxInflatedBytes` (a zip bomb: a few hundred KB that inflate to gigabytes) or
 * a worksheet passes `maxRows` rows (a 5 MB sheet of a million rows), so neither costs more than
 * the few megabytes read up to that point. The parts are only counted, never kept.
 * Format: PKWARE APPNOTE.TXT §4.3 (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT).
 */

export interface ArchiveLimits {
  maxInflatedBytes: number
  maxRows: number
}

export type ArchiveVerdict =
  | { ok: true; inflatedBytes: number }
  | { ok: false; reason: 'not-a-zip' | 'unsupported' | 'inflates-too-far' }
  | { ok: false; reason: 'too-many-rows'; sheet: string }

interface Entry {
  name: string
  method: number
  flags: number
  compressedSize: number
  localHeaderOffset: number
}

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_EOCD = 0x06064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/i

export async function checkXlsxArchive(file: Buffer, limits: ArchiveLimits): Promise<ArchiveVerdict> {
  const entries = readCentralDirectory(file)
  if (entries === null) return { ok: false, reason: 'not-a-zip' }
  let inflated = 0
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue
    if (entry.flags & 1 || (entry.method !== 0 && entry.method !== 8)) return { ok: false, reason: 'unsupported' }
    const data = entryData(file, entry)
    if (data === null) return { ok: false, reason: 'not-a-zip' }
    const counter = WORKSHEET.test(entry.name) ? new RowCounter() : null
    let chunks: AsyncIterable<Buffer> | Buffer[]
    if (entry.method === 0) chunks = [data]
    else {
      const inflater = createInflateRaw({ chunkSize: 64 * 1024 })
      inflater.end(data)
      chunks = inflater
    }
    try {
      for await (const chunk of chunks) {
        inflated += chunk.length
        if (inflated > limits.maxInflatedBytes) return { ok: false, reason: 'inflates-too-far' }
        if (counter && counter.add(chunk, limits.maxRows) > limits.maxRows) return { ok: false, reason: 'too-many-rows', sheet: entry.name }
      }
    } catch {
      return { ok: false, reason: 'not-a-zip' }
    }
  }
  return { ok: true, inflatedBytes: inflated }
}

/**
 * Counts <row> elements (any namespace prefix, not <rowBreaks>) on the raw bytes, without making
 * strings: the tags are ASCII, and UTF-8 continuation bytes never look like them. The last bytes of
 * a chunk are kept so a tag split between two chunks is counted once, in the chunk it ends in.
 */
class RowCounter {
  private tail = Buffer.alloc(0)
  private rows = 0

  /** Adds a chunk's rows; stops counting once past `stopAfter` (the caller refuses the file then). */
  add(chunk: Buffer, stopAfter: number): number {
    const bytes = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk
    const from = this.tail.length
    for (let at = bytes.indexOf(ROW); at !== -1 && this.rows <= stopAfter; at = bytes.indexOf(ROW, at + 1)) {
      const after = at + 3
      // Counted where the byte after "row" arrives: in this chunk, not in the tail seen before.
      if (after < from || after >= bytes.length || !TAG_END.has(bytes[after] as number)) continue
      if (opensTag(bytes, at)) this.rows++
    }
    this.tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)))
    return this.rows
  }
}

const ROW = Buffer.from('row')
const TAIL_BYTES = 64
// Whitespace, "/" and ">": what may follow an element's name.
const TAG_END = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2f, 0x3e])
const NAME_BYTE = /[A-Za-z0-9_.-]/

/** "row" at `at` is an element name: right after "<", or after "<prefix:". */
function opensTag(bytes: Buffer, at: number): boolean {
  if (bytes[at - 1] === 0x3c) return true
  if (bytes[at - 1] !== 0x3a) return false
  let i = at - 2
  while (i >= 0 && at - i < TAIL_BYTES && NAME_BYTE.test(String.fromCharCode(bytes[i] as number))) i--
  return i >= 0 && i < at - 2 && bytes[i] === 0x3c
}

function readCentralDirectory(file: Buffer): Entry[] | null {
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535.
  let eocd = -1
  for (let i = file.length - 22; i >= Math.max(0, file.length - 22 - 0xffff); i--) {
    if (file.readUInt32LE(i) === EOCD) {
      eocd = i
      break
    }
  }
  if (eocd === -1) return null
  let count = file.readUInt16LE(eocd + 10)
  let offset = file.readUInt32LE(eocd + 16)
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20
    if (locator < 0 || file.readUInt32LE(locator) !== ZIP64_LOCATOR) return null
    const zip64 = Number(file.readBigUInt64LE(locator + 8))
    if (zip64 + 56 > file.length || file.readUInt32LE(zip64) !== ZIP64_EOCD) return null
    count = Number(file.readBigUInt64LE(zip64 + 32))
    offset = Number(file.readBigUInt64LE(zip64 + 48))
  }
  const entries: Entry[] = []
  let at = offset
  for (let i = 0; i < count; i++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== CENTRAL) return null
    const nameLength = file.readUInt16LE(at + 28)
    const extraLength = file.readUInt16LE(at + 30)
    const commentLength = file.readUInt16LE(at + 32)
    if (at + 46 + nameLength + extraLength > file.length) return null
    const entry: Entry = {
      name: file.toString('utf8', at + 46, at + 46 + nameLength),
      flags: file.readUInt16LE(at + 8),
      method: file.readUInt16LE(at + 10),
      compressedSize: file.readUInt32LE(at + 20),
      localHeaderOffset: file.readUInt32LE(at + 42),
    }
    readZip64Extra(file, at + 46 + nameLength, extraLength, entry, file.readUInt32LE(at + 24) === 0xffffffff)
    entries.push(entry)
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** Sizes and offsets of 0xFFFFFFFF are in the Zip64 extra field (0x0001), in this order. */
function readZip64Extra(file: Buffer, start: number, length: number, entry: Entry, hasUncompressed: boolean): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = file.readUInt16LE(at)
    const size = file.readUInt16LE(at + 2)
    if (id === 0x0001) {
      let field = at + 4
      const next = () => {
        const value = field + 8 <= at + 4 + size ? Number(file.readBigUInt64LE(field)) : null
        field += 8
        return value
      }
      if (hasUncompressed) next()
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? entry.localHeaderOffset
      return
    }
    at += 4 + size
  }
}

function entryData(file: Buffer, entry: Entry): Buffer | null {
  const at = entry.localHeaderOffset
  if (at + 30 > file.length || file.readUInt32LE(at) !== LOCAL) return null
  const start = at + 30 + file.readUInt16LE(at + 26) + file.readUInt16LE(at + 28)
  const end = start + entry.compressedSize
  return end > file.length ? null : file.subarray(start, end)
}
