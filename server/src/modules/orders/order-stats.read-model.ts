import { and, gte, lt, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { orders } from '../../db/schema/orders.ts'

/**
 * Orders paid in [from, to) and what they brought in, whatever happened to them afterwards (a
 * refund is counted when it goes out, by payments). A range of `orders_paid_at_index`.
 */
export async function paidOrdersBetween(db: AppDb, from: Date, to: Date): Promise<{ orders: number; fen: number }> {
  const [row] = await db
    .select({ orders: sql<number>`count(*)::int`, fen: sql<string>`coalesce(sum(${orders.amountFen}), 0)` })
    .from(orders)
    .where(and(gte(orders.paidAt, from), lt(orders.paidAt, to)))
  return { orders: row?.orders ?? 0, fen: Number(row?.fen ?? 0) }
}
