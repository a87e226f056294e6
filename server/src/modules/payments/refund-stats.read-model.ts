import { and, eq, gte, lt, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { refunds } from '../../db/schema/payments.ts'

/** Money refunded (WeChat said succeeded) in [from, to), a range of `refunds_succeeded_at_index`. */
export async function refundedFenBetween(db: AppDb, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ fen: sql<string>`coalesce(sum(${refunds.amountFen}), 0)` })
    .from(refunds)
    .where(and(eq(refunds.status, 'succeeded'), gte(refunds.succeededAt, from), lt(refunds.succeededAt, to)))
  return Number(row?.fen ?? 0)
}
