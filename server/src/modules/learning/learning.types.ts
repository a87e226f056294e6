/** A drizzle transaction of either driver. */
export type { AppTx as Tx } from '../../db/pipelined-transaction.ts'
