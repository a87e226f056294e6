/**
 * PostgreSQL array literals for statements that pass a column of values as one parameter
 * (`unnest($1::int[], $2::timestamptz[])`, `key = any($1::uuid[])`). Cheaper for the database
 * than JSON rows (`jsonb_to_recordset`): no jsonb tree is built at Bind, each element goes
 * straight to its type's input function (docs/deployment.md, "Fourth pass").
 */

/**
 * Every element is quoted and escaped, so no text (a request's id, a JSON answer) can end an
 * element early or add one; null is SQL NULL. Numbers and ISO timestamps read back exactly.
 */
export function pgArrayLiteral(values: ReadonlyArray<string | number | null>): string {
  let out = '{'
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (i > 0) out += ','
    out += value === null || value === undefined ? 'NULL' : `"${String(value).replace(/["\\]/g, '\\$&')}"`
  }
  return `${out}}`
}
