/**
 * Characters a spreadsheet cell or a paste carries without showing them: zero-width characters,
 * word joiner, BOM, soft hyphen, no-break and narrow no-break space. One list for every place that
 * cleans pasted or imported text (团体购买 lines, bulk registration sheets). No TypeBox here: the
 * H5 imports this file alone.
 */
const INVISIBLE_CHARACTERS = /[\u200B-\u200D\u2060\uFEFF\u00AD\u00A0\u202F]/g

/** The text with every invisible character replaced (removed by default). */
export function replaceInvisible(text: string, by = ''): string {
  return text.replace(INVISIBLE_CHARACTERS, by)
}
