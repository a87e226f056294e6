import { desc, eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { invoices, invoiceTitles } from '../../db/schema/invoices.ts'
import { outTradeNos } from '../orders/orders.read-model.ts'

/**
 * What other features may read of invoices (docs/architecture.md, "Table owners"): a learner's
 * invoices with their order's out_trade_no (from orders' read model) and saved 发票抬头.
 */

/** A learner's invoices, newest first (我的个人信息). */
export async function invoicesOf(db: AppDb, userId: number) {
  const rows = await db
    .select({
      orderId: invoices.orderId,
      state: invoices.state,
      titleType: invoices.titleType,
      title: invoices.title,
      taxpayerId: invoices.taxpayerId,
      email: invoices.email,
      amountFen: invoices.amountFen,
      number: invoices.number,
      issuedAt: invoices.issuedAt,
    })
    .from(invoices)
    .where(eq(invoices.ownerUserId, userId))
    .orderBy(desc(invoices.id))
  const trades = await outTradeNos(db, rows.map((r) => r.orderId))
  return rows.map(({ orderId, ...r }) => ({ outTradeNo: trades.get(orderId) ?? '', ...r }))
}

/** What staff see of a learner's invoices, newest first, at most `limit`. */
export async function invoiceSummaries(db: AppDb, userId: number, limit: number) {
  const rows = await db
    .select({ id: invoices.id, orderId: invoices.orderId, title: invoices.title, amountFen: invoices.amountFen, status: invoices.state, createdAt: invoices.createdAt })
    .from(invoices)
    .where(eq(invoices.ownerUserId, userId))
    .orderBy(desc(invoices.createdAt))
    .limit(limit)
  const trades = await outTradeNos(db, rows.map((r) => r.orderId))
  return rows.map(({ orderId, ...r }) => ({ ...r, outTradeNo: trades.get(orderId) ?? '' }))
}

/** A learner's saved 发票抬头, latest first (我的个人信息). */
export async function invoiceTitlesOf(db: AppDb, userId: number) {
  return db
    .select({ titleType: invoiceTitles.titleType, title: invoiceTitles.title, taxpayerId: invoiceTitles.taxpayerId, email: invoiceTitles.email })
    .from(invoiceTitles)
    .where(eq(invoiceTitles.userId, userId))
    .orderBy(desc(invoiceTitles.updatedAt))
}
