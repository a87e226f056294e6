/**
 * PostgreSQL array literals for statements that pass a column of values as one parameter
 * (`unnest($1::int[], $2::timestamptz[])`, `key = any($1::uuid[])`). Cheaper for the database
 * than JSON rows (`jsonb_to_recordset`): no jsonb tree is built at Bind, each element goes
 * straight to its type's input function (docs/deployment.md, "Fourth pass").
 */

/**
 * Every text element is quoted and escaped, so no text (a request's id, a JSON answer) can end an
 * element early or add one; a finite number is written as it is; null is SQL NULL. Numbers and ISO
 * timestamps read back exactly.
 */
export function pgArrayLiteral(values: ReadonlyArray<string | number | null>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (i > 0) out += ','
    if (value === null || value === undefined) out += 'NULL'
    // A finite number's text is digits, a sign, a point or an exponent: nothing to quote. (This
    // function runs for every column of every progress batch: bench:progress.)
    else if (typeof value === 'number' && Number.isFinite(value)) out += value
    else {
      const text = String(value)
      out += NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, '\\$&')}"` : `"${text}"`
    }
  }
  return `${out}}`
}

const NEEDS_ESCAPE = /["\\]/
const ESCAPED = /["\\]/g

/**
 * A PostgreSQL array literal of JSON documents (`$1::jsonb[]`), null as SQL NULL. Each element is
 * the document's JSON text quoted as an array element by JSON.stringify itself: JSON text has no raw
 * control character and no lone surrogate (JSON.stringify escapes them), so stringifying it again
 * escapes exactly `"` and `\` with a backslash, which is the array element's quoting. One native
 * call instead of a regular expression over every answer of a progress batch (bench:progress).
 */
export function pgJsonArrayLiteral(documents: ReadonlyArray<unknown>): string {
  let out = '{'
  for (let i = 0; i < documents.length; i++) {
    const document = documents[i]
    if (i > 0) out += ','
    out += document === null || document === undefined ? 'NULL' : JSON.stringify(JSON.stringify(document))
  }
  return `${out}}`
}
