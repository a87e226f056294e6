import type { Sql } from 'postgres'

type AnySql = Sql<Record<string, never>>

/** What the metrics report as database pool use (postgres.js exposes no pool statistics of its own). */
export interface PoolStats {
  /** Connections this instance may open. */
  max: number
  /** Queries sent and not yet answered (postgres.js pipelines, so this can exceed max). */
  queriesInFlight: number
  /** Connections held by a pipelined transaction (progress batches). */
  reserved: number
}

/**
 * Counts queries in flight on a postgres.js client. drizzle sends everything through `unsafe`,
 * whose result is a lazy thenable (`.values()` may still be called on it before it runs), so the
 * count hooks its `then` rather than replacing it with a promise.
 */
export function countingClient<T extends AnySql>(client: T, stats: PoolStats): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (...args: Parameters<AnySql['unsafe']>) => {
          const query = target.unsafe(...args)
          const then = query.then.bind(query)
          let settled = false
          stats.queriesInFlight += 1
          const settle = () => {
            if (!settled) {
              settled = true
              stats.queriesInFlight -= 1
            }
          }
          Object.defineProperty(query, 'then', {
            value: (onFulfilled?: (value: unknown) => unknown, onRejected?: (error: unknown) => unknown) =>
              then(
                (value) => {
                  settle()
                  return onFulfilled ? onFulfilled(value) : value
                },
                (error: unknown) => {
                  settle()
                  if (onRejected) return onRejected(error)
                  throw error
                },
              ),
          })
          return query
        }
      }
      if (property === 'reserve') {
        return async () => {
          const reserved = await target.reserve()
          stats.reserved += 1
          const release = reserved.release.bind(reserved)
          reserved.release = () => {
            stats.reserved -= 1
            release()
          }
          return countingClient(reserved, stats)
        }
      }
      return Reflect.get(target, property, receiver) as unknown
    },
  })
}
