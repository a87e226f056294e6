import { randomInt } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import { GROUP_ORDER_PAYMENT_WINDOW_HOURS } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { groupOrderTransfers } from '../../db/schema/group-orders.ts'
import { newOutTradeNo } from '../orders/orders.rules.ts'
import type { OrderRow } from '../orders/orders.read-model.ts'
import { insertGroupOrderRows } from '../orders/orders.repository.ts'

export type { OrderRow } from '../orders/orders.read-model.ts'

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** `TT` + 8 characters without look-alikes (0/O, 1/I): short enough to type into a bank's 附言. */
export function newTransferReference(): string {
  let out = 'TT'
  for (let i = 0; i < 8; i++) out += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]
  return out
}

/**
 * The group order (orders' rows, written through its function) and, when 对公转账 is offered, its
 * transfer reference, in one transaction. Its items hold no seat until the order is paid.
 */
export async function insertGroupOrder(
  db: AppDb,
  input: { buyerUserId: number; projectId: number; unitPriceFen: number; learnerUserIds: number[]; withTransfer: boolean },
  now: Date,
): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    const { withTransfer, ...rows } = input
    const order = await insertGroupOrderRows(
      tx,
      { ...rows, outTradeNo: newOutTradeNo(now), expiresAt: new Date(now.getTime() + GROUP_ORDER_PAYMENT_WINDOW_HOURS * 3600_000) },
      now,
    )
    if (withTransfer) await tx.insert(groupOrderTransfers).values({ orderId: order.id, reference: newTransferReference() })
    return order
  })
}

export type TransferRow = typeof groupOrderTransfers.$inferSelect

/** The 对公转账 rows of these orders (orders without one are absent). */
export async function transfersOf(db: AppDb, orderIds: number[]): Promise<Map<number, TransferRow>> {
  if (orderIds.length === 0) return new Map()
  const rows = await db.select().from(groupOrderTransfers).where(inArray(groupOrderTransfers.orderId, orderIds))
  return new Map(rows.map((r) => [r.orderId, r]))
}

/** The transfer of this reference, locked for the caller's transaction. */
export async function lockTransferByReference(tx: AppDb | AppTx, reference: string): Promise<TransferRow | undefined> {
  const [row] = await tx.select().from(groupOrderTransfers).where(eq(groupOrderTransfers.reference, reference)).for('update')
  return row
}

/** Staff confirmed the transfer's receipt. */
export async function markTransferConfirmed(tx: AppDb | AppTx, orderId: number, confirmation: { staffId: number; receivedFen: number; bankSerial: string }, now: Date): Promise<void> {
  await tx
    .update(groupOrderTransfers)
    .set({ confirmedAt: now, confirmedByStaffId: confirmation.staffId, receivedFen: confirmation.receivedFen, bankSerial: confirmation.bankSerial })
    .where(eq(groupOrderTransfers.orderId, orderId))
}
