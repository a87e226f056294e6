import type { ErrorCode } from '@app/shared/error-codes'

// The one error type of every request, and the one way to branch on its code. No axios here:
// rules under utils/ may take an ApiError without pulling the client in.

/** Failures that never reached the server's error handler, so the server has no code for them. */
export const ClientErrorCode = {
  NETWORK_ERROR: 'NETWORK_ERROR',
  TIMEOUT: 'TIMEOUT',
  CANCELED: 'CANCELED',
  /** A non-2xx answer without our ErrorBody (a proxy's error page, say) and no better-known code. */
  HTTP_ERROR: 'HTTP_ERROR',
  UNKNOWN: 'UNKNOWN',
} as const
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

/**
 * A code the H5 knows how to branch on. A newer server may send codes this build has never heard
 * of; they are passed through as plain strings rather than dropped.
 */
export type ApiErrorCode = ErrorCode | ClientErrorCode | (string & {})

/** Every failed request rejects with this, whatever went wrong underneath. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  /** HTTP status, or 0 when no answer arrived (network down, timeout, cancelled). */
  readonly status: number
  readonly code: ApiErrorCode
  /** The server's request id, to quote to customer service. */
  readonly requestId?: string
  /** For "too many attempts" answers: seconds until trying again makes sense. */
  readonly retryAfterSeconds?: number

  constructor(init: { status: number; code: ApiErrorCode; message: string; requestId?: string; retryAfterSeconds?: number }) {
    super(init.message)
    this.status = init.status
    this.code = init.code
    if (init.requestId !== undefined) this.requestId = init.requestId
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds
  }
}

/** A code this build knows: the server's (shared) and the client's own. */
export type KnownErrorCode = ErrorCode | ClientErrorCode

/**
 * Whether a failure is an ApiError; given codes, whether it is one carrying any of them. Codes are
 * the shared constants (`ErrorCode.X` from `@app/shared/error-codes`, TypeBox-free, and
 * `ClientErrorCode.X`), or literals of their type: a misspelt code does not compile.
 * (With codes the answer is a plain boolean: "not this code" must not narrow the value away.)
 */
export function isApiError(value: unknown): value is ApiError
export function isApiError(value: unknown, ...codes: [KnownErrorCode, ...KnownErrorCode[]]): boolean
export function isApiError(value: unknown, ...codes: readonly KnownErrorCode[]): boolean {
  return value instanceof ApiError && (codes.length === 0 || (codes as readonly string[]).includes(value.code))
}
