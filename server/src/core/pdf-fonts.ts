import fs from 'node:fs'
import { createRequire } from 'node:module'
import fontkit, { type Font } from '@pdf-lib/fontkit'
import type { PDFDocument } from 'pdf-lib'

/**
 * Noto Serif SC (SIL OFL 1.1) from @expo-google-fonts/noto-serif-sc: complete TrueType files with
 * every GB 2312/GB 18030 ideograph a name can need. Each weight is read and parsed once per process
 * (about 15 MB each) and shared by the PDF and PNG renderers; PDFs embed only a subset of it.
 */
export type Weight = 'regular' | 'bold'

const FILES: Record<Weight, string> = {
  regular: '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf',
}

export interface LoadedFont {
  bytes: Uint8Array
  font: Font
}

const require = createRequire(import.meta.url)
const loaded = new Map<Weight, LoadedFont>()

export function certificateFont(weight: Weight): LoadedFont {
  let entry = loaded.get(weight)
  if (!entry) {
    const bytes = new Uint8Array(fs.readFileSync(require.resolve(FILES[weight])))
    entry = { bytes, font: withEvenGlyphs(fontkit.create(bytes)) }
    loaded.set(weight, entry)
  }
  return entry
}

interface TtfSubsetInternals {
  _addGlyph(gid: number): number
  glyf: Uint8Array[]
  offset: number
}

/**
 * fontkit copies glyphs into a subset byte for byte and then may write its `loca` table in the
 * short format, which can only point at even offsets. Noto's glyphs often have an odd length, so
 * every glyph after such a one was misplaced and printed blank. Padding each copied glyph to an
 * even length (as the TrueType spec recommends anyway) keeps every offset exact.
 */
function withEvenGlyphs(font: Font): Font {
  const createSubset = font.createSubset.bind(font)
  font.createSubset = () => {
    const subset = createSubset()
    const internals = subset as unknown as TtfSubsetInternals
    const addGlyph = internals._addGlyph.bind(subset)
    internals._addGlyph = (gid: number) => {
      const index = addGlyph(gid)
      const data = internals.glyf[index] as Uint8Array
      if (data.length % 2 === 1) {
        // The same Buffer class as fontkit's own (its bundled stream code accepts no other).
        const padded = (data.constructor as typeof Buffer).alloc(data.length + 1)
        padded.set(data)
        internals.glyf[index] = padded
        internals.offset += 1
      }
      return index
    }
    return subset
  }
  return font
}

/**
 * What pdf-lib calls to parse a font it embeds. pdf-lib would parse the 15 MB file again for every
 * document; handing back the font parsed at start-up (looked up by its bytes) saves that work and
 * keeps fontkit's glyph caches warm between certificates.
 */
export const cachedFontkit: Parameters<PDFDocument['registerFontkit']>[0] = {
  create(buffer: Uint8Array) {
    for (const entry of loaded.values()) if (entry.bytes === buffer) return entry.font as never
    return fontkit.create(buffer) as never
  },
}

/** Width of a line in points, as both renderers place it (advance widths, no kerning). */
export function textWidth(text: string, weight: Weight, size: number): number {
  const { font } = certificateFont(weight)
  let units = 0
  for (const ch of text) units += font.glyphForCodePoint(ch.codePointAt(0) as number).advanceWidth
  return (units * size) / font.unitsPerEm
}
