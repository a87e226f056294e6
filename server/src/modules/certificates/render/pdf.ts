import { degrees, PDFDocument, rgb, type PDFFont } from 'pdf-lib'
import { cachedFontkit, certificateFont, textWidth, type Weight } from '../../../core/pdf-fonts.ts'
import type { Artwork } from './primitives.ts'

function colour(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16)
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255)
}

/**
 * Draws the artwork into an A4 landscape PDF. Text stays text: the font is embedded as a subset
 * with a ToUnicode map, so names print as real glyphs and can be searched and copied.
 */
export async function renderPdf(art: Artwork, meta: { title: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.registerFontkit(cachedFontkit)
  doc.setTitle(meta.title)
  doc.setCreator('重庆专技人员继续教育')
  doc.setProducer('cq-jxjy certificates')
  const fonts: Record<Weight, PDFFont> = {
    regular: await doc.embedFont(certificateFont('regular').bytes, { subset: true }),
    bold: await doc.embedFont(certificateFont('bold').bytes, { subset: true }),
  }
  const page = doc.addPage([art.width, art.height])
  page.drawRectangle({ x: 0, y: 0, width: art.width, height: art.height, color: rgb(1, 1, 1) })
  const flipY = (y: number) => art.height - y

  for (const item of art.items) {
    switch (item.kind) {
      case 'rect':
        page.drawRectangle({
          x: item.x,
          y: flipY(item.y + item.height),
          width: item.width,
          height: item.height,
          borderColor: colour(item.stroke),
          borderWidth: item.lineWidth,
        })
        break
      case 'circle':
        page.drawCircle({ x: item.cx, y: flipY(item.cy), size: item.r, borderColor: colour(item.stroke), borderWidth: item.lineWidth })
        break
      case 'path':
        // drawSvgPath maps SVG's y-down coordinates from the given origin: the page's top left.
        page.drawSvgPath(item.d, { x: 0, y: art.height, color: colour(item.fill), borderWidth: 0 })
        break
      case 'text': {
        const w = textWidth(item.text, item.weight, item.size)
        const shift = item.align === 'left' ? 0 : item.align === 'center' ? w / 2 : w
        // Layout angles turn clockwise with y down; PDF turns counter-clockwise with y up.
        const angle = (-(item.rotate ?? 0) * Math.PI) / 180
        page.drawText(item.text, {
          x: item.x - shift * Math.cos(angle),
          y: flipY(item.y) - shift * Math.sin(angle),
          size: item.size,
          font: fonts[item.weight],
          color: colour(item.color),
          rotate: degrees(-(item.rotate ?? 0)),
        })
        break
      }
    }
  }
  return doc.save()
}
