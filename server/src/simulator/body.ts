// Body parsing for every simulator route. WeChat Pay signatures cover the exact request bytes,
// so the JSON parser keeps the raw Buffer and never fails: the Authorization check runs on the
// raw bytes first, and a malformed body is then reported in WeChat's own error format.
import type { FastifyInstance } from 'fastify'

export class RawBody {
  readonly text: string
  readonly json: unknown
  readonly jsonOk: boolean

  constructor(readonly raw: Buffer) {
    this.text = raw.toString('utf8')
    let json: unknown
    let jsonOk = false
    if (this.text.length > 0) {
      try {
        json = JSON.parse(this.text)
        jsonOk = true
      } catch {
        json = undefined
      }
    }
    this.json = json
    this.jsonOk = jsonOk
  }
}

export function registerBodyParsers(app: FastifyInstance): void {
  // The parent server may have replaced the default JSON parser; inside this encapsulated
  // plugin we always want ours, so drop whatever was inherited first.
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, new RawBody(body as Buffer))
  })
  // The authorization page posts an HTML form.
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) app.removeContentTypeParser('application/x-www-form-urlencoded')
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })
}

/** The request body as RawBody ('' when the request had none). */
export function rawBodyOf(body: unknown): RawBody {
  return body instanceof RawBody ? body : new RawBody(Buffer.alloc(0))
}

/** JSON object body of a non-signed route (dev helpers, stable_token); {} when absent or malformed. */
export function jsonObjectOf(body: unknown): Record<string, unknown> | undefined {
  const json = body instanceof RawBody ? body.json : body
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined
}
