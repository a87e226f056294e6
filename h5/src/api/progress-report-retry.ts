import type { ApiError } from './api-error.ts'

// LRN-7: when a report that failed is tried again, and when it is given up.

/** Delay before the n-th retry (n from 0): 1 s, doubling, at most 30 s. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** attempt)
}

/** Whether a failure is final for this one report (it can never succeed) rather than worth retrying. */
export function isFinalForReport(error: ApiError): boolean {
  // No answer (0), server trouble (5xx), a session to restore (401), a timeout or rate limit: later.
  if (error.status === 0 || error.status >= 500 || [401, 408, 429].includes(error.status)) return false
  return error.status >= 400
}
