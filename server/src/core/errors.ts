import createError from '@fastify/error'
import type { ErrorCode } from '@app/shared'

/**
 * Defines an API error with a stable code (listed in shared/src/errors.ts), a real HTTP status and
 * a safe Chinese message. Modules declare theirs in `<feature>.errors.ts`.
 */
export function defineError(code: ErrorCode, message: string, statusCode: number) {
  return createError(code, message, statusCode)
}

/** True for errors made by defineError (or anything else carrying a code and a 4xx status). */
export function isClientError(error: unknown): error is Error & { code: string; statusCode: number } {
  const e = error as { code?: unknown; statusCode?: unknown }
  return typeof e.code === 'string' && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500
}

/** Attaches the wait a 429 answer reports as `retryAfterSeconds` (and the Retry-After header). */
export function withRetryAfter<E extends Error>(error: E, seconds: number): E & { retryAfterSeconds: number } {
  return Object.assign(error, { retryAfterSeconds: Math.max(1, Math.ceil(seconds)) })
}
