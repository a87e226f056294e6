import { Type, type Static } from 'typebox'
import { ClosedObject } from './schema-helpers.ts'

export const HealthSchema = ClosedObject({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  wechat: Type.Union([Type.Literal('simulator'), Type.Literal('live')]),
  version: Type.String(),
})
export type Health = Static<typeof HealthSchema>
