import { PDFDocument } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import { cachedFontkit, certificateFont } from '../../core/pdf-fonts.ts'
import { BUYER_BOX, partyLines, renderDevInvoicePdf, SELLER_BOX } from './dev-document.ts'
import { pdfText } from '../../../test/pdf-text-helpers.ts'

// The development invoice PDF: the parties' names and 纳税人识别号 stay inside their boxes (the
// seller's id ran past the right edge of the page's frame).

describe('the development invoice PDF', () => {
  it('keeps every party line, the seller’s 纳税人识别号 included, inside its box', async () => {
    const pdf = await PDFDocument.create()
    pdf.registerFontkit(cachedFontkit)
    const regular = await pdf.embedFont(certificateFont('regular').bytes, { subset: true })
    const bold = await pdf.embedFont(certificateFont('bold').bytes, { subset: true })
    const seller = { name: '重庆市某某继续教育培训中心（示例）有限责任公司', taxpayerId: '91500000MA5U00000X' }
    const buyer = { name: '重庆某某建筑设计研究院有限公司', taxpayerId: '50010312345678901234' }
    for (const [party, box] of [[seller, SELLER_BOX], [buyer, BUYER_BOX]] as const) {
      const lines = partyLines(regular, bold, '销售方信息', party, box)
      expect(lines.map((l) => l.text)).toContain(party.taxpayerId)
      for (const line of lines) {
        const width = (line.bold ? bold : regular).widthOfTextAtSize(line.text, line.size)
        expect(line.x).toBeGreaterThanOrEqual(box.left)
        expect(line.x + width, line.text).toBeLessThanOrEqual(box.right)
      }
    }
    // An 18-character id is printed at full size (it fits on its own line).
    expect(partyLines(regular, bold, '销售方信息', seller, SELLER_BOX).find((l) => l.text === seller.taxpayerId)?.size).toBe(11)

    const bytes = await renderDevInvoicePdf({
      number: '25990000000000000001',
      issuedAt: new Date('2025-06-01T02:00:00Z'),
      providerRef: null,
      request: {
        idempotencyKey: 'FPTEST0000000001',
        kind: 'blue',
        seller,
        buyer: { ...buyer, titleType: 'unit', email: 'cw@example.cn' },
        item: { name: '培训费', taxCode: '3070201020000000000', taxRateBasisPoints: 600 },
        amountFen: 9000,
        taxFen: 509,
        requestedAt: new Date('2025-06-01T02:00:00Z'),
      },
    })
    const text = await pdfText(bytes)
    for (const expected of [seller.taxpayerId, buyer.taxpayerId, '统一社会信用代码/纳税人识别号']) expect(text).toContain(expected)
  })
})
