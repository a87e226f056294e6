import { count, eq } from 'drizzle-orm'
import { formatFen, type ConfirmTransferBody } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { groupOrderTransfers, orderItems, orders } from '../../db/schema.ts'
import { receivePayment, withSeatRetry, type ReceiveOutcome } from '../payments/payments.public.ts'
import { recordStaffAction } from '../staff/staff.public.ts'
import { TransferMismatchError } from './group-orders.errors.ts'

export interface TransferConfirmation {
  outcome: ReceiveOutcome['kind'] | 'already_confirmed'
  outTradeNo: string
  status: string
  /** What staff must return to the unit from this transfer (seats not needed, or the whole of a duplicate payment). */
  refundDueFen: number
}

/**
 * An amount the order asked for at some point: its amount now, or a higher one it showed before
 * learners who bought for themselves were taken off it — whole seats, at most every listed learner.
 */
function isAcceptedAmount(order: typeof orders.$inferSelect, listed: number, amountFen: number): boolean {
  return amountFen >= order.amountFen && amountFen <= order.unitPriceFen * listed && amountFen % order.unitPriceFen === 0
}

/**
 * Staff confirm that a 对公转账 arrived (GRP-3): the order is settled through the same path as a
 * WeChat payment, in one transaction with the order row locked, so it happens once whichever
 * arrives first; a second confirmation of the same receipt changes nothing; a transfer for an
 * order WeChat Pay already settled is recorded as owed back. Seats of learners who had bought for
 * themselves are not taken and their price is owed back (`refundDueFen`, for staff to return).
 * Audited with the staff member.
 */
export async function confirmTransfer(db: AppDb, staffId: number, body: ConfirmTransferBody, now: Date): Promise<TransferConfirmation> {
  const reference = body.reference.trim().toUpperCase()
  const bankSerial = body.bankSerial.trim()
  return withSeatRetry(() =>
    db.transaction(async (tx): Promise<TransferConfirmation> => {
      const [transfer] = await tx.select().from(groupOrderTransfers).where(eq(groupOrderTransfers.reference, reference)).for('update')
      if (!transfer) throw new TransferMismatchError('没有与该转账附言对应的团购订单，请核对附言')
      const [order] = await tx.select().from(orders).where(eq(orders.id, transfer.orderId)).for('update')
      if (!order) throw new TransferMismatchError('没有与该转账附言对应的团购订单，请核对附言')
      if (transfer.confirmedAt) {
        if (transfer.bankSerial === bankSerial) return { outcome: 'already_confirmed', outTradeNo: order.outTradeNo, status: order.status, refundDueFen: 0 }
        throw new TransferMismatchError(`该订单的转账已于此前确认（流水号 ${transfer.bankSerial ?? ''}），如又收到一笔请按重复付款退回`)
      }
      const [listed] = await tx.select({ n: count() }).from(orderItems).where(eq(orderItems.orderId, order.id))
      if (!isAcceptedAmount(order, listed?.n ?? 0, body.amountFen)) {
        throw new TransferMismatchError(`到账金额 ${formatFen(body.amountFen)} 元与订单应付 ${formatFen(order.amountFen)} 元不符，请核对后处理`)
      }
      const received = await receivePayment(
        tx,
        order,
        { ref: `transfer:${bankSerial}`, transactionId: null, paidAt: now, payerTotalFen: body.amountFen, receivedFen: body.amountFen },
        now,
      )
      await tx
        .update(groupOrderTransfers)
        .set({ confirmedAt: now, confirmedByStaffId: staffId, receivedFen: body.amountFen, bankSerial })
        .where(eq(groupOrderTransfers.orderId, order.id))
      const refundDueFen = 'refundDueFen' in received ? received.refundDueFen : 0
      await recordStaffAction(
        tx,
        { staffId, action: 'group_order.confirm_transfer', target: `order:${order.outTradeNo}`, detail: { reference, amountFen: body.amountFen, bankSerial, outcome: received.kind, refundDueFen } },
        now,
      )
      const [after] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, order.id))
      return { outcome: received.kind, outTradeNo: order.outTradeNo, status: after?.status ?? order.status, refundDueFen }
    }),
  )
}
