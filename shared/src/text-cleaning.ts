// Plain TypeScript, no TypeBox: the H5 imports this at runtime (`@app/shared/text-cleaning`).

// Zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen, no-break space and
// narrow no-break space: invisible, or looking like a plain space, in a spreadsheet cell or a
// pasted line, and never meant as part of a name, an ID number or a phone number.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD\u00A0\u202F]/g

/**
 * The text without invisible characters: removed (`''`, in an ID number or a phone number), or
 * replaced by `replacement` (`' '` where one may stand between the parts of a name).
 */
export function removeInvisible(text: string, replacement = ''): string {
  return text.replace(INVISIBLE, replacement)
}
