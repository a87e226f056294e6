import fs from 'node:fs/promises'

/**
 * Reads just enough of an MP4 (ISO BMFF) file to check a course video before import: the brand,
 * the sample entry types (avc1 = H.264), the movie duration, and whether the moov box precedes
 * mdat ("faststart", which WeChat's inline player needs to start and seek before the whole file
 * has arrived). Only box headers and the moov box are read, so large files cost little.
 */
export interface Mp4Info {
  majorBrand: string
  /** Sample entry four-character codes of every track, e.g. ['avc1', 'mp4a']. */
  sampleEntries: string[]
  /** mvhd duration / timescale, in seconds. */
  durationSeconds: number
  moovBeforeMdat: boolean
}

export class Mp4Error extends Error {
  override name = 'Mp4Error'
}

// The moov of a short lecture is a few kB to a few MB; anything far larger is not a file we made.
const MAX_MOOV_BYTES = 64 * 1024 * 1024
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl'])

interface Box {
  type: string
  /** Offset of the payload (after the header) and its length. */
  start: number
  size: number
}

/** Probes an MP4 file on disk; throws Mp4Error when it is not a usable MP4. */
export async function probeMp4(filePath: string): Promise<Mp4Info> {
  const file = await fs.open(filePath, 'r')
  try {
    const { size: fileSize } = await file.stat()
    let majorBrand: string | null = null
    let moov: Uint8Array | null = null
    let sawMdat = false
    let moovBeforeMdat = false
    for (let offset = 0; offset < fileSize; ) {
      const header = new Uint8Array(16)
      const { bytesRead } = await file.read(header, 0, 16, offset)
      const box = readBoxHeader(header.subarray(0, bytesRead), 0, fileSize - offset)
      if (box === null) throw new Mp4Error('truncated box header')
      if (box.type === 'ftyp' || box.type === 'moov') {
        if (box.size > MAX_MOOV_BYTES) throw new Mp4Error(`${box.type} box is implausibly large`)
        const payload = new Uint8Array(box.size)
        await file.read(payload, 0, box.size, offset + box.start)
        if (box.type === 'ftyp') majorBrand = fourcc(payload, 0)
        else {
          moov = payload
          moovBeforeMdat = !sawMdat
        }
      } else if (box.type === 'mdat') {
        sawMdat = true
      }
      offset += box.start + box.size
    }
    if (majorBrand === null) throw new Mp4Error('no ftyp box (not an MP4 file)')
    if (moov === null) throw new Mp4Error('no moov box')
    const { durationSeconds, sampleEntries } = readMoov(moov)
    return { majorBrand, sampleEntries, durationSeconds, moovBeforeMdat }
  } finally {
    await file.close()
  }
}

/** Parses a box header at `at`; `available` is how many bytes the box may span. */
function readBoxHeader(bytes: Uint8Array, at: number, available: number): Box | null {
  if (bytes.length - at < 8) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset + at)
  let size = view.getUint32(0)
  const type = fourcc(bytes, at + 4)
  let headerSize = 8
  if (size === 1) {
    if (bytes.length - at < 16) return null
    size = Number(view.getBigUint64(8))
    headerSize = 16
  } else if (size === 0) {
    size = available // "extends to the end of the file"
  }
  if (size < headerSize || size > available) throw new Mp4Error(`box ${JSON.stringify(type)} has an invalid size`)
  return { type, start: headerSize, size: size - headerSize }
}

function readMoov(moov: Uint8Array): { durationSeconds: number; sampleEntries: string[] } {
  let durationSeconds: number | null = null
  const sampleEntries: string[] = []
  const walk = (bytes: Uint8Array): void => {
    for (let at = 0; at < bytes.length; ) {
      const box = readBoxHeader(bytes, at, bytes.length - at)
      if (box === null) break
      const payload = bytes.subarray(at + box.start, at + box.start + box.size)
      if (CONTAINERS.has(box.type)) walk(payload)
      else if (box.type === 'mvhd') durationSeconds = readMvhd(payload)
      else if (box.type === 'stsd') sampleEntries.push(...readStsd(payload))
      at += box.start + box.size
    }
  }
  walk(moov)
  if (durationSeconds === null) throw new Mp4Error('no mvhd box')
  return { durationSeconds, sampleEntries }
}

function readMvhd(payload: Uint8Array): number {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const version = view.getUint8(0)
  // version 1 widens creation/modification time and duration to 64 bits.
  const timescale = view.getUint32(version === 1 ? 20 : 12)
  const duration = version === 1 ? Number(view.getBigUint64(24)) : view.getUint32(16)
  if (timescale === 0) throw new Mp4Error('mvhd timescale is 0')
  return duration / timescale
}

function readStsd(payload: Uint8Array): string[] {
  // version/flags (4) and entry_count (4), then each sample entry is a box named by its codec.
  const types: string[] = []
  for (let at = 8; at < payload.length; ) {
    const box = readBoxHeader(payload, at, payload.length - at)
    if (box === null) break
    types.push(box.type)
    at += box.start + box.size
  }
  return types
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4))
}
