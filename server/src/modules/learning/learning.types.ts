import type { AppDb } from '../../db/client.ts'

/** A drizzle transaction of either driver. */
export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]
