import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify'
import type { AppDb, Database } from '../db/client.ts'

/**
 * What every feature module receives from the composition (app/build-app.ts): the database, the
 * clock, the logger, the public URL and key derivation. A feature's own settings come beside it as
 * its `<feature>.config.ts` type; what it needs from another feature comes as a typed hook in its
 * options (see app/modules.ts), never as an import of that feature's internals.
 */
export interface AppContext {
  db: AppDb
  /** The database handle itself: health checks, pool statistics, pipelined transactions. */
  database: Database
  /** The clock (tests move it); never `new Date()` in a decision. */
  now: () => Date
  log: FastifyBaseLogger
  /** The origin users reach (no trailing slash): links, OAuth redirects and notify URLs are built on it. */
  publicBaseUrl: string
  /** A key for one purpose (cookies, SMS codes, file links …), derived from the server secret. */
  deriveKey(purpose: string): string
  /** Start background jobs: servers do, tests drive the passes directly. */
  runJobs: boolean
}

/** A feature: one Fastify plugin taking the context, its configuration and its hooks. */
export type FeatureModule<Options extends { ctx: AppContext }> = FastifyPluginAsync<Options>
