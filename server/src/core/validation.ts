import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type BuildValidator = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>

const pool = AjvCompiler()

/**
 * Query strings, path parameters and headers arrive as text, so their validators coerce to the
 * schema's types (`?page=2` → 2). JSON bodies carry real types and are validated strictly: a wrong
 * type (`"projectId": true`, `"seq": "1"`) is a 400, never quietly read as something else.
 */
export const buildValidator: BuildValidator = (externalSchemas, options) => {
  const coercing = pool(externalSchemas, options as Parameters<typeof pool>[1])
  const customOptions = { ...options?.customOptions, coerceTypes: false }
  const strict = pool(externalSchemas, { ...options, customOptions } as Parameters<typeof pool>[1])
  return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route))
}
