import { Type, type Static } from 'typebox'

export * from './error-codes.ts'

/** The one error body every non-2xx API answer carries. */
export const ErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String(),
    error: Type.String(),
    message: Type.String(),
    requestId: Type.String(),
  },
  { $id: 'ErrorBody', additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBodySchema>
