import { describe, expect, it } from 'vitest'
import { xlsxOfSheetXml } from '../../../test/hostile-file-helpers.ts'
import { checkXlsxArchive } from './xlsx-archive.parser.ts'

const LIMITS = { maxInflatedBytes: 20 * 1024 * 1024, maxRows: 5_020 }

/** A worksheet of `rows` rows written as `<x:row …>` (a namespace prefix), with <rowBreaks> noise. */
function prefixedSheet(rows: number) {
  return xlsxOfSheetXml(function* () {
    yield Buffer.from('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>')
    // Rows of varying length, so tags fall across the 64 KB chunk boundaries of the inflater.
    for (let r = 1; r <= rows; r++) yield Buffer.from(`<x:row r="${r}"><x:c t="inlineStr"><x:is><x:t>${'名'.repeat(r % 7)}</x:t></x:is></x:c></x:row>`)
    yield Buffer.from('</x:sheetData><x:rowBreaks count="0"/></x:worksheet>')
  })
}

describe('checking an .xlsx as a stream of zip entries', () => {
  it('counts rows with a namespace prefix exactly, across chunk boundaries, and not <rowBreaks>', async () => {
    expect(await checkXlsxArchive(await prefixedSheet(5_020), LIMITS)).toMatchObject({ ok: true })
    expect(await checkXlsxArchive(await prefixedSheet(5_021), LIMITS)).toEqual({ ok: false, reason: 'too-many-rows', sheet: 'xl/worksheets/sheet1.xml' })
  })

  it('tells a file that is no zip from one that inflates too far', async () => {
    expect(await checkXlsxArchive(Buffer.from('姓名,身份证号\n'), LIMITS)).toEqual({ ok: false, reason: 'not-a-zip' })
    const big = await xlsxOfSheetXml(function* () {
      for (let i = 0; i < 21; i++) yield Buffer.alloc(1024 * 1024, ' ')
    })
    expect(await checkXlsxArchive(big, LIMITS)).toEqual({ ok: false, reason: 'inflates-too-far' })
  })
})
