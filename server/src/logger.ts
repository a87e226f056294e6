import type { FastifyServerOptions } from 'fastify'

/**
 * pino options: request ids on every line, and no personal data. Query strings can carry phone
 * numbers or OAuth codes, so URLs are logged with their query values removed; auth headers,
 * cookies and bodies are never logged.
 */
export function loggerOptions(level: string): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    serializers: {
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
