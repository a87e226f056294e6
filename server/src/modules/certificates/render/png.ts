import { Resvg } from '@resvg/resvg-js'
import { certificateFont, type Weight } from '../../../core/pdf-fonts.ts'
import type { Artwork, Primitive } from './primitives.ts'

const glyphPaths = new Map<string, string>()

/** A glyph's outline as SVG path data in font units (y up), cached across certificates. */
function glyphPath(weight: Weight, codePoint: number): { d: string; advance: number } {
  const { font } = certificateFont(weight)
  const glyph = font.glyphForCodePoint(codePoint)
  const key = `${weight}:${glyph.id}`
  let d = glyphPaths.get(key)
  if (d === undefined) {
    d = glyph.path.toSVG()
    glyphPaths.set(key, d)
  }
  return { d, advance: glyph.advanceWidth }
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}

/** Text becomes glyph outlines from the same font file, so the image needs no system fonts. */
function textSvg(item: Extract<Primitive, { kind: 'text' }>): string {
  const { font } = certificateFont(item.weight)
  const scale = item.size / font.unitsPerEm
  const glyphs = [...item.text].map((ch) => glyphPath(item.weight, ch.codePointAt(0) as number))
  const width = glyphs.reduce((sum, g) => sum + g.advance, 0) * scale
  const start = item.align === 'left' ? 0 : item.align === 'center' ? -width / 2 : -width
  let pen = 0
  const paths = glyphs.map((g) => {
    const path = g.d === '' ? '' : `<path transform="translate(${(start + pen * scale).toFixed(2)} 0) scale(${scale.toFixed(5)} ${(-scale).toFixed(5)})" d="${g.d}"/>`
    pen += g.advance
    return path
  })
  const rotate = item.rotate ? ` rotate(${item.rotate.toFixed(2)})` : ''
  return `<g transform="translate(${item.x.toFixed(2)} ${item.y.toFixed(2)})${rotate}" fill="${item.color}">${paths.join('')}</g>`
}

export function artworkSvg(art: Artwork): string {
  const body = art.items.map((item) => {
    switch (item.kind) {
      case 'rect':
        return `<rect x="${item.x}" y="${item.y}" width="${item.width}" height="${item.height}" fill="none" stroke="${item.stroke}" stroke-width="${item.lineWidth}"/>`
      case 'circle':
        return `<circle cx="${item.cx}" cy="${item.cy}" r="${item.r}" fill="none" stroke="${item.stroke}" stroke-width="${item.lineWidth}"/>`
      case 'path':
        return `<path d="${escapeAttr(item.d)}" fill="${item.fill}"/>`
      case 'text':
        return textSvg(item)
    }
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${art.width}" height="${art.height}" viewBox="0 0 ${art.width} ${art.height}"><rect width="100%" height="100%" fill="#ffffff"/>${body.join('')}</svg>`
}

/** Pixel width of the image: twice the page in points (about 144 dpi), sharp on phones and printable. */
export const PNG_WIDTH = 1684

/**
 * Renders the artwork as an opaque PNG (a transparent one shows black in some WeChat viewers)
 * for long-press saving.
 */
export function renderPng(art: Artwork): Buffer {
  const resvg = new Resvg(artworkSvg(art), { fitTo: { mode: 'width', value: PNG_WIDTH }, font: { loadSystemFonts: false }, background: '#ffffff' })
  return resvg.render().asPng()
}
