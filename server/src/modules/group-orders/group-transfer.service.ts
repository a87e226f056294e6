import { formatFen, type ConfirmTransferBody } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { listedCount, orderStatus, type OrderRow } from '../orders/orders.read-model.ts'
import { lockOrderById } from '../orders/orders.repository.ts'
import { receivePayment, withSeatRetry, type ReceiveOutcome } from '../payments/payments.public.ts'
import { recordTransferConfirmedNotice } from '../notices/notices.public.ts'
import { recordStaffAction } from '../staff/staff.public.ts'
import { TransferAlreadyConfirmedError, TransferMismatchError } from './group-orders.errors.ts'

/** 2026-12-05 19:40 in Beijing time, for a message staff read. */
function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}
import { lockTransferByReference, markTransferConfirmed } from './group-orders.repository.ts'

export interface TransferConfirmation {
  outcome: ReceiveOutcome['kind']
  outTradeNo: string
  status: string
  /** What staff must return to the unit from this transfer (seats not needed, or the whole of a duplicate payment). */
  refundDueFen: number
}

/**
 * An amount the order asked for at some point: its amount now, or a higher one it showed before
 * learners who bought for themselves were taken off it — whole seats, at most every listed learner.
 */
function isAcceptedAmount(order: OrderRow, listed: number, amountFen: number): boolean {
  return amountFen >= order.amountFen && amountFen <= order.unitPriceFen * listed && amountFen % order.unitPriceFen === 0
}

/**
 * Staff confirm that a 对公转账 arrived (GRP-3): the order is settled through the same path as a
 * WeChat payment, in one transaction with the order row locked, so it happens once whichever
 * arrives first; a second confirmation is refused (TRANSFER_ALREADY_CONFIRMED) and changes nothing; a transfer for an
 * order WeChat Pay already settled is recorded as owed back. Seats of learners who had bought for
 * themselves are not taken and their price is owed back (`refundDueFen`, for staff to return).
 * Audited with the staff member.
 */
export async function confirmTransfer(db: AppDb, staffId: number, body: ConfirmTransferBody, now: Date): Promise<TransferConfirmation> {
  const reference = body.reference.trim().toUpperCase()
  const bankSerial = body.bankSerial.trim()
  return withSeatRetry(() =>
    db.transaction(async (tx): Promise<TransferConfirmation> => {
      const transfer = await lockTransferByReference(tx, reference)
      if (!transfer) throw new TransferMismatchError('没有与该转账附言对应的团购订单，请核对附言')
      const order = await lockOrderById(tx, transfer.orderId)
      if (!order) throw new TransferMismatchError('没有与该转账附言对应的团购订单，请核对附言')
      if (transfer.confirmedAt) {
        // Refused whatever the serial: a repeat (double click, two staff at once — the row lock orders them) changes nothing.
        const same = transfer.bankSerial === bankSerial
        throw new TransferAlreadyConfirmedError(
          `该订单的对公转账已于 ${beijingTime(transfer.confirmedAt)} 确认（流水号 ${transfer.bankSerial ?? ''}），订单已结清，未重复入账${same ? '' : '；如又收到一笔转账，请按重复付款退回单位'}`,
        )
      }
      if (!isAcceptedAmount(order, await listedCount(tx, order.id), body.amountFen)) {
        throw new TransferMismatchError(`到账金额 ${formatFen(body.amountFen)} 元与订单应付 ${formatFen(order.amountFen)} 元不符，请核对后处理`)
      }
      const received = await receivePayment(
        tx,
        order,
        { ref: `transfer:${bankSerial}`, transactionId: null, paidAt: now, payerTotalFen: body.amountFen, receivedFen: body.amountFen },
        now,
      )
      await markTransferConfirmed(tx, order.id, { staffId, receivedFen: body.amountFen, bankSerial }, now)
      const refundDueFen = 'refundDueFen' in received ? received.refundDueFen : 0
      await recordTransferConfirmedNotice(tx, order.id, now)
      await recordStaffAction(
        tx,
        { staffId, action: 'group_order.confirm_transfer', target: `order:${order.outTradeNo}`, detail: { reference, amountFen: body.amountFen, bankSerial, outcome: received.kind, refundDueFen } },
        now,
      )
      return { outcome: received.kind, outTradeNo: order.outTradeNo, status: (await orderStatus(tx, order.id)) ?? order.status, refundDueFen }
    }),
  )
}
