import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.ts'
import { bearer, registerLearner } from '../../test/auth-helpers.ts'

/**
 * A small fuzz corpus sent over HTTP to every route of the OpenAPI document: control characters,
 * lone surrogates, huge and odd numbers, wrong types, deep and broken JSON. Every answer must be a
 * 2xx/3xx or a 4xx with a stable code — never a 5xx — and no table may gain or lose a row.
 */
const TEXT = ['\u0000', 'a\u0000b', '\u001b[2J', 'line\nbreak', '\u007f', '\ud800', 'x'.repeat(70_000), "' or 1=1 --", '../../etc/passwd']
const WRONG_TYPES = [1e308, -1e308, 2 ** 53 + 1, 2_147_483_648, -1, 0, 1.5, true, null, [], {}, [[['deep']]], { $gt: '' }, '1', 'NaN']
const BODY_VALUES: unknown[] = [...TEXT, ...WRONG_TYPES]
/** Raw request bodies that are not what any schema expects, or not JSON at all. */
const RAW_BODIES = [
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
  `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
  '123456789012345678901234567890',
  '{"id": 1e400, "projectId": 1e400}',
  '"\\u0000"',
  'null',
  '[]',
  '{',
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
]
const PATH_VALUES = ['%00', 'a%00b', '99999999999999999999', '2147483648', '-1', '0', '1e400', 'NaN', '%ZZ', '..%2F..%2Fetc', '%F0%28%8C%BC', 'x'.repeat(3000)]
const QUERY_VALUES = [...PATH_VALUES, '%0A', '1&page=-5', encodeURIComponent('x'.repeat(5000))]

/** Tables that record attempts by design (a refused sign-in still counts against its limit). */
const ATTEMPT_TABLES = new Set(['auth_throttles', 'verify_rate_limits'])

interface Operation {
  method: string
  path: string
  pathParams: string[]
  queryParams: string[]
  bodyProps: string[] | null
}

let t: TestApp
let token: string
let operations: Operation[]

beforeAll(async () => {
  t = await buildTestApp()
  token = (await registerLearner(t.app)).accessToken
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>>
  }
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyProps: op.requestBody ? Object.keys(op.requestBody.content['application/json']?.schema.properties ?? {}) : null,
    })),
  )
}, 120_000)
afterAll(async () => t.close())

async function rowCounts(): Promise<Record<string, number>> {
  const tables = await t.database.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  )
  const counts: Record<string, number> = {}
  for (const { table_name: name } of rowsOf<{ table_name: string }>(tables)) {
    if (ATTEMPT_TABLES.has(name)) continue
    const [row] = rowsOf<{ n: number }>(await t.database.db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)}`))
    counts[name] = Number(row?.n)
  }
  return counts
}

/** postgres.js returns an array, PGlite an object with rows. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

interface Probe {
  method: string
  url: string
  body?: string
}

function probesFor(op: Operation): Probe[] {
  const fill = (values: Record<string, string>) => op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '1')
  const probes: Probe[] = []
  const withBody = () => (op.bodyProps ? { body: '{}' } : {})
  for (const name of op.pathParams) for (const value of PATH_VALUES) probes.push({ method: op.method, url: fill({ [name]: value }), ...withBody() })
  for (const name of op.queryParams) for (const value of QUERY_VALUES) probes.push({ method: op.method, url: `${fill({})}?${name}=${value}`, ...withBody() })
  if (op.bodyProps) {
    for (const prop of op.bodyProps) {
      for (const value of BODY_VALUES) {
        const body = Object.fromEntries(op.bodyProps.map((p) => [p, p === prop ? value : 'x']))
        probes.push({ method: op.method, url: fill({}), body: JSON.stringify(body) })
      }
    }
    for (const raw of RAW_BODIES) probes.push({ method: op.method, url: fill({}), body: raw })
  }
  if (op.method !== 'GET' && !op.bodyProps) for (const raw of RAW_BODIES.slice(0, 3)) probes.push({ method: op.method, url: fill({}), body: raw })
  return probes
}

describe('fuzzing every documented route', () => {
  it('answers no request with a 5xx and changes no row', async () => {
    const before = await rowCounts()
    const probes = operations.flatMap(probesFor)
    const failures: string[] = []
    const codeless: string[] = []
    for (let i = 0; i < probes.length; i += 8) {
      await Promise.all(
        probes.slice(i, i + 8).map(async (probe) => {
          const res = await fetch(`${t.baseUrl}${probe.url}`, {
            method: probe.method,
            redirect: 'manual',
            headers: { ...bearer(token), ...(probe.body !== undefined ? { 'content-type': 'application/json' } : {}), cookie: 'jx_rt=%00fuzz' },
            ...(probe.body !== undefined ? { body: probe.body } : {}),
          })
          const text = await res.text()
          const what = `${probe.method} ${probe.url.slice(0, 120)} ${probe.body?.slice(0, 80) ?? ''} → ${res.status}`
          if (res.status >= 500) failures.push(`${what} ${text.slice(0, 200)}`)
          else if (res.status >= 400 && !/"code":"[A-Z_]+"/.test(text)) codeless.push(what)
        }),
      )
    }
    console.log(`fuzz: ${probes.length} requests to ${operations.length} operations, ${failures.length} × 5xx`)
    expect(operations.length).toBeGreaterThan(25)
    expect(failures).toEqual([])
    expect(codeless).toEqual([])
    expect(await rowCounts()).toEqual(before)
  }, 600_000)
})
