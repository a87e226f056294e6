/**
 * Errors that mean "the database cannot be reached right now" rather than "this query is wrong":
 * the connection was refused, timed out or dropped, or PostgreSQL is shutting down or starting.
 * Requests that meet one fail fast with 503 SERVICE_UNAVAILABLE; postgres.js opens new connections
 * on the next query, so the instance recovers by itself once the database is back.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
])
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08: connection exceptions;
// 53300 too_many_connections (every connection slot taken: a passing overload, not a broken query).
const SQLSTATE = /^(57P0[123]|08\d{3}|53300)$/

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true
    // drizzle wraps driver errors (DrizzleQueryError.cause).
    current = (current as { cause?: unknown }).cause
  }
  return false
}
