import type postgres from 'postgres'
import type { Database } from '@app/server/commands'

/**
 * The SQL statements the app sends while `run` runs, with their parameters, captured at the
 * driver (drizzle sends every statement through its postgres.js client's `unsafe`), so a bench can
 * print the plan of exactly what a read ran rather than a copy of it.
 */
export async function captureStatements(database: Database, run: () => Promise<unknown>): Promise<{ text: string; params: unknown[] }[]> {
  const client = (database.db as unknown as { $client: { unsafe: (text: string, params?: unknown[], options?: unknown) => unknown } }).$client
  // The client is a Proxy (prepared statements) whose `unsafe` calls its target's: wrap the target's
  // own function (read through the Proxy's descriptor), else the wrapper would call itself.
  const own = (Object.getOwnPropertyDescriptor(client, 'unsafe')?.value ?? client.unsafe) as typeof client.unsafe
  const seen: { text: string; params: unknown[] }[] = []
  client.unsafe = function (this: unknown, text: string, params?: unknown[], options?: unknown) {
    seen.push({ text, params: params ?? [] })
    return own.call(this, text, params, options)
  }
  try {
    await run()
  } finally {
    client.unsafe = own
  }
  return seen
}

/** EXPLAIN ANALYZE of each read statement (writes such as the staff session's are left out), indented. */
export async function explainAll(sql: postgres.Sql, statements: { text: string; params: unknown[] }[]): Promise<string> {
  const out: string[] = []
  for (const s of statements) {
    if (!/^\s*(select|with|\()/i.test(s.text)) continue
    const rows = await sql.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, costs off, timing off, summary on) ${s.text}`, s.params as never[])
    out.push(`  ${s.text.replace(/\s+/g, ' ').slice(0, 160)}${s.text.length > 160 ? ' …' : ''}`)
    out.push(...rows.map((r) => `    ${r['QUERY PLAN']}`))
  }
  return out.join('\n')
}
