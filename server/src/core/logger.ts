import type { FastifyServerOptions } from 'fastify'

/**
 * pino options: request ids on every line, and no personal data. Query strings can carry phone
 * numbers or OAuth codes, so URLs are logged with their query values removed; auth headers,
 * cookies and bodies are never logged; errors go through describeError (no query parameters).
 */
export function loggerOptions(level: string): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
      err: describeError,
      req(request: { id: string; method: string; url: string }) {
        return { id: request.id, method: request.method, url: stripQueryValues(request.url) }
      },
    },
  }
}

/** `/api/x?phone=138…&code=1` → `/api/x?phone=&code=`: keeps the shape, drops the data. */
export function stripQueryValues(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const keys = url
    .slice(q + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0] ?? ''}=`)
  return `${url.slice(0, q)}?${keys.join('&')}`
}

/** An SQLSTATE as PostgreSQL (postgres.js, PGlite) reports it: five digits or capitals. */
const SQLSTATE = /^[0-9A-Z]{5}$/

function isDatabaseError(error: Record<string, unknown>): boolean {
  return typeof error.code === 'string' && SQLSTATE.test(error.code) && ('severity' in error || 'routine' in error)
}

/**
 * A loggable copy of an error that carries no request data. Database errors keep their SQLSTATE,
 * routine and the names of the table, column and constraint, but never the query's parameters,
 * the `detail` (it quotes the conflicting row) or a value quoted in the message; drizzle's
 * "Failed query" keeps its SQL text without the `params:` line. Causes are described the same way.
 */
export interface DescribedError {
  [field: string]: unknown
  type: string
  message: string
  stack: string
}

export function describeError(error: unknown, depth = 0): DescribedError {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: String(error), stack: '' }
  const e = error as Record<string, unknown> & { name?: string; message?: string; stack?: string; cause?: unknown }
  const message = cleanMessage(String(e.message ?? ''))
  const type = e.name ?? e.constructor?.name ?? 'Error'
  const frames = typeof e.stack === 'string' ? e.stack.indexOf('\n    at ') : -1
  const out: DescribedError = { type, message, stack: `${type}: ${message}${frames >= 0 ? String(e.stack).slice(frames) : ''}` }
  if (isDatabaseError(e)) {
    for (const field of ['code', 'severity', 'routine', 'table_name', 'column_name', 'constraint_name', 'table', 'column', 'constraint']) {
      if (typeof e[field] === 'string') out[field] = e[field]
    }
  } else {
    if (typeof e.code === 'string') out.code = e.code
    if (typeof e.statusCode === 'number') out.statusCode = e.statusCode
  }
  if (e.cause !== undefined && depth < 3) out.cause = describeError(e.cause, depth + 1)
  return out
}

function cleanMessage(message: string): string {
  const params = message.indexOf('\nparams:')
  const withoutParams = params >= 0 ? message.slice(0, params) : message
  // `invalid input syntax for type integer: "…"` and the like quote the offending input.
  return withoutParams.replace(/:\s*"[^"]*"\s*$/, ': [value]')
}
