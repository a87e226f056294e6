import type { TSchema } from 'typebox'
import { ErrorBodySchema } from '@app/shared'

/**
 * Adds the shared error body to a route's response map, so every status a route can answer is
 * documented in the OpenAPI file and serialised through the same allow-list.
 */
export function withErrors<T extends Record<number, TSchema>>(success: T) {
  return { ...success, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }
}
