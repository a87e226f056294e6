import { Type, type Static, type TStringOptions } from 'typebox'
import { ClosedObject } from './schema-helpers.ts'

/**
 * Text typed by a person or carried in a URL: no control characters (NUL, line breaks, escape,
 * DEL…). PostgreSQL refuses NUL in text and nothing we store is multi-line, so every text field a
 * request carries is declared with `PlainText` and such input is refused at the edge with a 400.
 */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001F\\u007F]*$'

export function PlainText(options: Omit<TStringOptions, 'pattern'> & { maxLength: number }) {
  return Type.String({ ...options, pattern: NO_CONTROL_CHARACTERS })
}

/** A field a person must fill in: plain text of 1 to `maxLength` characters. */
export function RequiredText(maxLength: number) {
  return PlainText({ minLength: 1, maxLength })
}

/** Database ids travel as positive integers (PostgreSQL `integer`: at most 2^31 − 1). */
export const ID_MAX = 2_147_483_647
export const IdSchema = Type.Integer({ minimum: 1, maximum: ID_MAX })
/** Money is always integer fen (分), never yuan with decimals. */
export const FenSchema = Type.Integer({ minimum: 0 })
/** RFC 3339 timestamp string. */
export const TimestampSchema = Type.String({ format: 'date-time' })

export const IdParamsSchema = ClosedObject({ id: IdSchema })
export type IdParams = Static<typeof IdParamsSchema>

export const PageQuerySchema = ClosedObject({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 12 })),
})
export type PageQuery = Static<typeof PageQuerySchema>

export { formatFen } from './money.ts'
