import { Type, type Static } from 'typebox'

/** Database ids travel as positive integers. */
export const IdSchema = Type.Integer({ minimum: 1 })
/** Money is always integer fen (分), never yuan with decimals. */
export const FenSchema = Type.Integer({ minimum: 0 })
/** RFC 3339 timestamp string. */
export const TimestampSchema = Type.String({ format: 'date-time' })

export const IdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })
export type IdParams = Static<typeof IdParamsSchema>

export const PageQuerySchema = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 12 })),
  },
  { additionalProperties: false },
)
export type PageQuery = Static<typeof PageQuerySchema>

/** Formats integer fen as yuan for display, e.g. 9000 -> "90.00". */
export function formatFen(fen: number): string {
  return (fen / 100).toFixed(2)
}
