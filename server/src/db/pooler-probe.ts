import type { Sql } from 'postgres'

export class PreparedStatementsUnsupportedError extends Error {
  override name = 'PreparedStatementsUnsupportedError'
}

type Connect = () => Sql<Record<string, never>>

const PROBE = 'select pg_backend_pid() as pid where $1::int = 1'

/**
 * Start-up check that the connection keeps prepared statements. Direct to PostgreSQL it always
 * does. A pooler in transaction mode hands each transaction whichever server connection is free;
 * PgBouncer < 1.21 (Debian 12 ships 1.18) then fails a statement prepared on another one with
 * "prepared statement … does not exist", and inside a transaction that aborts the whole batch.
 *
 * The probe makes that happen if it can: client P prepares a statement; client Q opens a
 * transaction, which a pooler serves with the server connection P just released (PgBouncer reuses
 * the most recent one); P then runs its statement inside a transaction of its own. Direct, P keeps
 * its backend and the statement runs; behind such a pooler it lands on another server connection
 * and fails (postgres.js cannot re-prepare inside a transaction). Returns whether a pooler was
 * seen multiplexing connections; throws PreparedStatementsUnsupportedError when it drops statements.
 */
export async function probePreparedStatements(connect: Connect): Promise<{ pooled: boolean }> {
  const p = connect()
  const q = connect()
  try {
    const [first] = await p.unsafe<{ pid: number }[]>(PROBE, [1], { prepare: true })
    let heldPid = 0
    let again: Promise<{ pid?: number; error?: unknown }> = Promise.resolve({})
    await q.begin(async (tx) => {
      const [held] = await tx.unsafe<{ pid: number }[]>('select pg_backend_pid() as pid')
      heldPid = held?.pid ?? 0
      again = p
        .begin((ptx) => ptx.unsafe<{ pid: number }[]>(PROBE, [1], { prepare: true }))
        .then((rows) => ({ pid: rows[0]?.pid }), (error: unknown) => ({ error }))
      // With a pool of one server connection P waits for Q: give it a moment, then let Q finish.
      await Promise.race([again, new Promise((resolve) => setTimeout(resolve, 500))])
    })
    const outcome = await again
    if (outcome.error) {
      const code = (outcome.error as { code?: string }).code
      if (code === '26000' || /prepared statement .* does not exist/.test(String((outcome.error as Error).message))) {
        throw new PreparedStatementsUnsupportedError(
          'DATABASE_URL goes through a connection pooler in transaction mode that does not keep prepared statements ' +
            '(PgBouncer < 1.21, or max_prepared_statements = 0): set DATABASE_PREPARED_STATEMENTS=false, ' +
            'or use PgBouncer ≥ 1.21 with max_prepared_statements > 0',
        )
      }
      throw outcome.error
    }
    return { pooled: heldPid === first?.pid || (outcome.pid !== undefined && outcome.pid !== first?.pid) }
  } finally {
    await Promise.all([p.end({ timeout: 2 }), q.end({ timeout: 2 })])
  }
}
