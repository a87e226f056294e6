import fontkit from '@pdf-lib/fontkit'
import { describe, expect, it } from 'vitest'
import { certificateFont } from '../../../core/pdf-fonts.ts'
import { certificateArtwork, chineseDate, wrap } from './layout.ts'
import { PAGE } from './primitives.ts'

function encode(subset: ReturnType<ReturnType<typeof certificateFont>['font']['createSubset']>): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const parts: Uint8Array[] = []
    const stream = (subset as unknown as { encodeStream(): NodeJS.ReadableStream }).encodeStream()
    stream.on('data', (chunk: Uint8Array) => parts.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(parts)))
    stream.resume()
  })
}

describe('certificate font', () => {
  it('subsets glyphs of odd byte length without losing the ones after them (blank names in PDFs)', async () => {
    const { font } = certificateFont('regular')
    const subset = font.createSubset()
    // 人员继续 and 欧阳 have odd-length glyph data in Noto Serif SC; 专 and 水 even.
    const chars = [...'人员继续欧阳娜专水']
    const ids = chars.map((ch) => subset.includeGlyph(font.glyphForCodePoint(ch.codePointAt(0) as number)))
    const reparsed = fontkit.create(await encode(subset))
    chars.forEach((ch, i) => {
      const original = font.glyphForCodePoint(ch.codePointAt(0) as number).path.toSVG()
      expect(original.length).toBeGreaterThan(20)
      expect(reparsed.getGlyph(ids[i] as number).path.toSVG(), ch).toBe(original)
    })
  })
})

describe('certificate layout', () => {
  const data = {
    number: 'CQ20257KQ2M9XH4T1BR',
    realName: '欧阳娜娜',
    idNumber: '50010319850610123X',
    projectTitle: '重庆市2025年专业科目培训（工程技术类）——建筑工程施工安全与质量管理专题',
    year: 2025,
    hours: 30.5,
    organisationName: '重庆市渝中区',
    organisationKind: 'district' as const,
    issuerName: '示例发证机构',
    issuedOn: '2025-06-01',
    verifyUrl: 'http://localhost:3000/verify/CQ20257KQ2M9XH4T1BR',
    seal: { text: '示例发证机构', sample: true },
  }
  const texts = (seal = data.seal) => certificateArtwork({ ...data, seal }).items.flatMap((i) => (i.kind === 'text' ? [i.text] : []))

  it('prints every field, dates in Chinese, and wraps a long project title onto two lines', () => {
    const all = texts()
    for (const expected of ['欧阳娜娜', '50010319850610123X', '2025年', '30.5学时', '重庆市渝中区', '档案区县：', '示例发证机构', '2025年6月1日', `证书编号：${data.number}`]) {
      expect(all).toContain(expected)
    }
    expect(all.filter((t) => data.projectTitle.includes(t) && t.length > 5)).toHaveLength(2)
    expect(chineseDate('2025-12-31')).toBe('2025年12月31日')
  })

  it('marks the seal 「样章」 only while it is the sample', () => {
    expect(texts()).toContain('样章')
    expect(texts({ text: '重庆市某某中心', sample: false })).not.toContain('样章')
  })

  it('keeps everything inside the page', () => {
    for (const item of certificateArtwork(data).items) {
      if (item.kind !== 'text') continue
      expect(item.x).toBeGreaterThan(0)
      expect(item.x).toBeLessThan(PAGE.width)
      expect(item.y).toBeLessThan(PAGE.height)
    }
    expect(wrap('一二三四五六', 'regular', 10, 25)).toEqual(['一二', '三四', '五六'])
  })
})
