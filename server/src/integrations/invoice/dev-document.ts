import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import { formatFen } from '@app/shared'
import { cachedFontkit, certificateFont } from '../../core/pdf-fonts.ts'
import type { IssuedDocument } from './provider.ts'

/**
 * The development provider's invoice PDF: every field a real 数电票 shows (seller, buyer, item,
 * amount, tax, number, date), marked 「测试票据」 on every line that matters so it can never pass for
 * a real invoice. The certificate's Noto Serif SC is embedded as a subset with a ToUnicode map, so
 * the Chinese text prints as glyphs and can be extracted as text.
 */

const INK = rgb(0.55, 0.27, 0.07)
const TEXT = rgb(0.1, 0.1, 0.1)
const MARK = rgb(0.85, 0.1, 0.1)

function shanghaiDay(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3600_000)
  return `${d.getUTCFullYear()}年${String(d.getUTCMonth() + 1).padStart(2, '0')}月${String(d.getUTCDate()).padStart(2, '0')}日`
}

function rateText(basisPoints: number): string {
  return `${basisPoints / 100}%`
}

export async function renderDevInvoicePdf(doc: IssuedDocument): Promise<Uint8Array> {
  const { request } = doc
  const red = request.kind === 'red'
  const sign = red ? '-' : ''
  const pdf = await PDFDocument.create()
  pdf.registerFontkit(cachedFontkit)
  pdf.setTitle(`测试票据 ${doc.number}`)
  pdf.setProducer('cq-jxjy development invoice provider')
  const regular = await pdf.embedFont(certificateFont('regular').bytes, { subset: true })
  const bold = await pdf.embedFont(certificateFont('bold').bytes, { subset: true })
  const page = pdf.addPage([680, 420])
  const text = (value: string, x: number, y: number, size = 11, font: PDFFont = regular, color = TEXT) =>
    page.drawText(value, { x, y, size, font, color })

  drawFrame(page)
  text(red ? '电子发票（普通发票）红字' : '电子发票（普通发票）', 220, 380, 20, bold, INK)
  text('测试票据', 40, 382, 18, bold, MARK)
  text('测试票据 · 开发环境生成，不是正式发票，不能用于报销', 40, 356, 10, regular, MARK)
  text(`发票号码：${doc.number}`, 450, 380, 10)
  text(`开票日期：${shanghaiDay(doc.issuedAt)}`, 450, 364, 10)

  for (const line of partyLines(regular, bold, '购买方信息', request.buyer, BUYER_BOX)) text(line.text, line.x, line.y, line.size, line.bold ? bold : regular, line.bold ? INK : TEXT)
  for (const line of partyLines(regular, bold, '销售方信息', request.seller, SELLER_BOX)) text(line.text, line.x, line.y, line.size, line.bold ? bold : regular, line.bold ? INK : TEXT)

  const net = request.amountFen - request.taxFen
  const columns = ['项目名称', '税收分类编码', '金额', '税率', '税额']
  const xs = [40, 220, 380, 480, 560]
  columns.forEach((c, i) => text(c, xs[i] as number, 240, 10, bold, INK))
  const row = [`*教育服务*${request.item.name}`, request.item.taxCode, `${sign}${formatFen(net)}`, rateText(request.item.taxRateBasisPoints), `${sign}${formatFen(request.taxFen)}`]
  row.forEach((c, i) => text(c, xs[i] as number, 218, 10))
  text(`价税合计（小写）：¥${sign}${formatFen(request.amountFen)}`, 40, 170, 12, bold)
  if (request.reverses) text(`被红冲蓝字发票号码：${request.reverses.number}`, 40, 146, 10)
  text('备注：测试票据', 40, 122, 10, regular, MARK)
  text(`开票人：系统（测试票据）    订单号：${request.idempotencyKey}`, 40, 60, 9)
  return pdf.save()
}

/** The buyer's and the seller's halves of the top box (x from, x to), with 10 pt of margin inside. */
export const BUYER_BOX = { left: 40, right: 340 }
export const SELLER_BOX = { left: 360, right: 640 }

export interface PartyLine {
  text: string
  x: number
  y: number
  size: number
  bold: boolean
}

/** The largest size (at most `size`, at least 6 pt) at which `value` fits `width`. */
export function fittingSize(font: PDFFont, value: string, width: number, size: number): number {
  let fitted = size
  while (fitted > 6 && font.widthOfTextAtSize(value, fitted) > width) fitted -= 0.5
  return fitted
}

/**
 * A party's lines: heading, 名称 (shrunk to fit), the label 统一社会信用代码/纳税人识别号 on its own
 * line and the number under it, so an 18- or 20-character id never runs past the box.
 */
export function partyLines(regular: PDFFont, bold: PDFFont, heading: string, party: { name: string; taxpayerId: string | null }, box: { left: number; right: number }): PartyLine[] {
  const width = box.right - box.left
  const name = `名称：${party.name}`
  const label = '统一社会信用代码/纳税人识别号：'
  const id = party.taxpayerId ?? ''
  return [
    { text: heading, x: box.left, y: 322, size: 11, bold: true },
    { text: name, x: box.left, y: 304, size: fittingSize(regular, name, width, 11), bold: false },
    { text: label, x: box.left, y: 288, size: fittingSize(regular, label, width, 9), bold: false },
    { text: id, x: box.left, y: 272, size: fittingSize(regular, id, width, 11), bold: false },
  ]
}

function drawFrame(page: PDFPage): void {
  page.drawRectangle({ x: 30, y: 40, width: 620, height: 300, borderColor: INK, borderWidth: 1 })
  page.drawLine({ start: { x: 30, y: 262 }, end: { x: 650, y: 262 }, color: INK, thickness: 0.8 })
  page.drawLine({ start: { x: 30, y: 190 }, end: { x: 650, y: 190 }, color: INK, thickness: 0.8 })
  page.drawLine({ start: { x: 350, y: 262 }, end: { x: 350, y: 340 }, color: INK, thickness: 0.8 })
}
