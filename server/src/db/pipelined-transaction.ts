import type { Sql } from 'postgres'
import type { AppDb } from './client.ts'
import { asSql, type Statement } from './statement.ts'

/** A drizzle transaction of either driver. */
export type AppTx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

export type Rows = Array<Record<string, unknown>>

/**
 * A short transaction shaped read → decide → write, as the progress-report batches are. With
 * PostgreSQL the read travels together with BEGIN and the write together with COMMIT, so the whole
 * transaction costs two round trips instead of four. On a busy server each round trip also waits
 * for the event loop's turn, so this is where a batch's time goes (bench:progress).
 */
export interface PipelinedWork<T> {
  /**
   * Runs first, inside the transaction: takes the row locks the work needs (`select … for
   * update`). The read is a separate statement after it, so it sees what the lock waited for.
   */
  lock?: Statement
  /** Runs next, inside the transaction. */
  read: Statement
  /**
   * When the caller that has waited longest began waiting (performance.now()); the connection is
   * then awaited only until RESERVE_TIMEOUT_MS after that moment. Default: now.
   */
  waitingSince?: number
  /**
   * Gets the read's rows, and the transaction for any rarer statements it needs (made on first
   * call: most batches need none); returns the result and the final statement, which commits with
   * the transaction (or null for none).
   */
  decide(inTx: () => AppTx, rows: Rows): Promise<{ result: T; write: Statement | null }>
}

export type PipelinedTransaction = <T>(work: PipelinedWork<T>) => Promise<T>

/** Rows of a raw statement, whichever driver ran it (postgres.js gives an array, PGlite `{rows}`). */
export function rowsOf(result: unknown): Rows {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Rows
}

/** The embedded database runs in this process: no round trips to save, a plain transaction. */
export function plainPipelined(db: AppDb): PipelinedTransaction {
  return (work) =>
    db.transaction(async (tx) => {
      if (work.lock) await tx.execute(asSql(work.lock))
      const rows = rowsOf(await tx.execute(asSql(work.read)))
      const { result, write } = await work.decide(() => tx, rows)
      if (write) await tx.execute(asSql(write))
      return result
    })
}

/**
 * How long a caller waits for a batch's connection, counted from when it began waiting, before it
 * fails (503) and the client resends; never less than RESERVE_AT_LEAST_MS, which a healthy pool
 * needs to hand one over.
 */
const RESERVE_TIMEOUT_MS = 5_000
const RESERVE_AT_LEAST_MS = 100

/**
 * sql.reserve() with a deadline. While the database is unreachable postgres.js can leave a reserve
 * request waiting for good (seen in the database-outage fault test: the batches of one instance
 * hung until nginx gave up after 60 s). Past the deadline the caller gets a CONNECT_TIMEOUT error
 * (answered 503 SERVICE_UNAVAILABLE); a connection that arrives later is handed straight back.
 */
async function reserveWithin(sql: Sql<Record<string, never>>, ms: number): Promise<Sql<Record<string, never>> & { release(): void }> {
  const reserving = sql.reserve()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reserving.then((late) => late.release(), () => {})
      reject(Object.assign(new Error(`no database connection within ${ms} ms`), { code: 'CONNECT_TIMEOUT' }))
    }, ms)
  })
  try {
    return await Promise.race([reserving, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * PostgreSQL through postgres.js: a reserved connection on which BEGIN + read and write + COMMIT
 * are each sent back to back (postgres.js pipelines queries on one connection; a lock
 * statement goes with BEGIN + read). If the read or
 * the write fails, the transaction is aborted and COMMIT only ends it (PostgreSQL answers it with
 * ROLLBACK), so nothing of the batch is stored and the caller gets the error.
 */
export function postgresPipelined(sql: Sql<Record<string, never>>, prepare: boolean, toTx: (client: Sql<Record<string, never>>) => AppTx): PipelinedTransaction {
  const send = (client: Sql<Record<string, never>>, st: Statement) => client.unsafe(st.text, st.params as never[], { prepare })
  return async (work) => {
    const waited = work.waitingSince === undefined ? 0 : performance.now() - work.waitingSince
    const client = await reserveWithin(sql, Math.max(RESERVE_AT_LEAST_MS, RESERVE_TIMEOUT_MS - waited))
    try {
      const [, , rows] = await Promise.all([client.unsafe('begin'), work.lock ? send(client, work.lock) : null, send(client, work.read)])
      let tx: AppTx | undefined
      const { result, write } = await work.decide(() => (tx ??= toTx(client)), rows as unknown as Rows)
      await Promise.all([write ? send(client, write) : null, client.unsafe('commit')])
      return result
    } catch (error) {
      // Ends the transaction if it is still open; after a COMMIT it is a harmless no-op.
      await client.unsafe('rollback').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }
}
