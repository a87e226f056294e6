import { Type, type Static } from 'typebox'

export const HealthSchema = Type.Object(
  {
    status: Type.Literal('ok'),
    database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    wechat: Type.Union([Type.Literal('simulator'), Type.Literal('live')]),
    version: Type.String(),
  },
  { additionalProperties: false },
)
export type Health = Static<typeof HealthSchema>
