import QRCode from 'qrcode'
import { textWidth, type Weight } from '../../../core/pdf-fonts.ts'
import { PAGE, type Artwork, type Primitive } from './primitives.ts'
import { sealPrimitives, type SealSettings } from './seal.ts'
import type { SignedCertificateData } from '../signature.rules.ts'

/** Everything printed on one certificate: the signed (frozen) data plus the link and seal settings. */
export interface CertificateArtworkData extends SignedCertificateData {
  organisationKind: 'unit' | 'district'
  verifyUrl: string
  seal: SealSettings
}

const INK = '#1f1f1f'
const TITLE = '#9b1c1c'
const FRAME = '#b08d3c'
const MUTED = '#666666'

/** 2025-06-01 → 2025年6月1日 */
export function chineseDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

function formatHours(hours: number): string {
  return Number.isInteger(hours) ? String(hours) : hours.toFixed(1)
}

/** Breaks text into lines no wider than maxWidth; CJK text may break between any two characters. */
export function wrap(text: string, weight: Weight, size: number, maxWidth: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const ch of text) {
    if (line !== '' && textWidth(line + ch, weight, size) > maxWidth) {
      lines.push(line)
      line = ''
    }
    line += ch
  }
  if (line !== '') lines.push(line)
  return lines
}

function text(t: string, x: number, y: number, size: number, options: Partial<Extract<Primitive, { kind: 'text' }>> = {}): Primitive {
  return { kind: 'text', text: t, x, y, size, weight: 'regular', color: INK, align: 'left', ...options }
}

/** The QR code as one path of dark modules, so both renderers draw it crisply at any scale. */
function qrPath(url: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const cell = size / n
  const parts: string[] = []
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.modules.get(row, col)) {
        parts.push(`M${(x + col * cell).toFixed(2)} ${(y + row * cell).toFixed(2)}h${cell.toFixed(2)}v${cell.toFixed(2)}h${(-cell).toFixed(2)}z`)
      }
    }
  }
  return parts.join('')
}

/** Lays out the certificate: frame, title, the data as labelled lines, QR code, issuer, date and seal. */
export function certificateArtwork(d: CertificateArtworkData): Artwork {
  const { width, height } = PAGE
  const items: Primitive[] = [
    { kind: 'rect', x: 18, y: 18, width: width - 36, height: height - 36, stroke: FRAME, lineWidth: 4 },
    { kind: 'rect', x: 28, y: 28, width: width - 56, height: height - 56, stroke: FRAME, lineWidth: 1 },
    text('专业技术人员继续教育', width / 2, 92, 20, { align: 'center', color: TITLE }),
    text('合 格 证 书', width / 2, 146, 42, { align: 'center', weight: 'bold', color: TITLE }),
  ]

  const labelX = 110
  const valueX = labelX + 100
  const size = 17
  const lineHeight = 31
  let y = 200
  const rows: [string, string][] = [
    ['姓　　名', d.realName],
    ['身份证号', d.idNumber],
    ['培训项目', d.projectTitle],
    ['培训年度', `${d.year}年`],
    ['学　　时', `${formatHours(d.hours)}学时`],
    // Labels keep four characters so the values line up; a district is where the file is kept.
    [d.organisationKind === 'unit' ? '工作单位' : '档案区县', d.organisationName],
  ]
  for (const [label, value] of rows) {
    items.push(text(`${label}：`, labelX, y, size, { color: MUTED }))
    const lines = wrap(value, 'regular', size, width - valueX - 110).slice(0, 2)
    lines.forEach((line, i) => items.push(text(line, valueX, y + i * 26, size)))
    y += lineHeight + (lines.length - 1) * 26
  }
  items.push(text('经考核合格，特发此证。', labelX, y + 8, size))

  // Bottom left: QR code to the public verification page, and the number it checks.
  const qrSize = 82
  const qrX = 70
  const qrY = height - 60 - qrSize
  items.push({ kind: 'path', d: qrPath(d.verifyUrl, qrX, qrY, qrSize), fill: INK })
  items.push(text('扫码验证证书真伪', qrX + qrSize + 12, qrY + 36, 11, { color: MUTED }))
  items.push(text(`证书编号：${d.number}`, qrX + qrSize + 12, qrY + 58, 12))

  // Bottom right: issuer and date, with the seal over them as on a paper certificate.
  const issuerX = width - 190
  items.push(text(d.issuerName, issuerX, height - 130, 15, { align: 'center' }))
  items.push(text(chineseDate(d.issuedOn), issuerX, height - 100, 15, { align: 'center' }))
  items.push(...sealPrimitives(issuerX + 45, height - 122, 64, d.seal))
  if (d.seal.sample) {
    items.push(text('样章：开发演示用证书，不具备证明效力', width / 2, height - 40, 10, { align: 'center', color: '#d7261e' }))
  }
  return { width, height, items }
}
