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
    /** With 429 answers: how long to wait before trying again (also sent as Retry-After). */
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { $id: 'ErrorBody', additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBodySchema>
