import type { AppDb } from '../../db/client.ts'
import { paymentNotifications } from '../../db/schema/payments.ts'

/** A transaction handle: repository functions take either `db` or this. */
export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0]

/** The audit row of one WeChat Pay notification; a re-sent notification (same id) keeps the first row. */
export async function recordNotification(
  db: AppDb | Tx,
  row: { id: string; eventType: string; outTradeNo: string | null; outcome: string; receivedAt: Date },
): Promise<void> {
  await db.insert(paymentNotifications).values(row).onConflictDoNothing()
}
