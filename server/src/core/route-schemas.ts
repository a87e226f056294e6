import { Type, type TSchema } from 'typebox'
import { ErrorBodySchema, PlainText } from '@app/shared'

/**
 * Adds the shared error body to a route's response map, so every status a route can answer is
 * documented in the OpenAPI file and serialised through the same allow-list.
 */
export function withErrors<T extends Record<number, TSchema>>(success: T) {
  return { ...success, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }
}

/** A file answer (PDF, PNG, .xlsx), documented as binary. */
export const BinarySchema = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' })

/** `?expires=…&sig=…` of a signed file link, for files that open with a token or with such a link. */
export const FileLinkQuerySchema = Type.Object(
  { expires: Type.Optional(Type.Integer()), sig: Type.Optional(PlainText({ maxLength: 64 })) },
  { additionalProperties: false },
)
