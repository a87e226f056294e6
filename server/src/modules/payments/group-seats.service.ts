import { OrderStatus } from '@app/shared'
import { wechatPayErrorSummary } from '../../integrations/wechat/pay/errors.ts'
import { newOutTradeNo } from '../orders/orders.rules.ts'
import { countEnrolledMeanwhile, dropEnrolledMeanwhile, repriceGroupOrder } from '../orders/order-payment.repository.ts'
import { findOrderById, findOrderByOutTradeNo, type OrderRow } from '../orders/orders.read-model.ts'
import { lockOrderById } from '../orders/orders.repository.ts'
import { ordersWithSeatRefundsDue, SEAT_REFUND_REQUESTER, unrefundedSeatDues } from './group-seats.repository.ts'
import { newOutRefundNo } from './payments.rules.ts'
import { attachDuesToRefund, findUnansweredRefund, insertRefund } from './refunds.repository.ts'
import type { PaymentDeps } from './payments.service.ts'
import { submitRefund } from './refunds.service.ts'
import { closeTrade } from './wechat-trade.service.ts'

/** The reason WeChat Pay shows the payer for an automatic seat refund (at most 80 characters). */
const SEAT_REFUND_REASON = '团购名额退款：学员已自行购买本培训项目'

async function reload(deps: PaymentDeps, orderId: number): Promise<OrderRow> {
  const row = await findOrderById(deps.db, orderId)
  if (!row) throw new Error('order vanished')
  return row
}

/**
 * Re-prices a pending group order before it is paid (before the prepay, before the 对公转账
 * instruction is shown): learners who became enrolled since they were listed — they bought for
 * themselves, or another unit's order was paid — are dropped and not charged. The amount of a
 * WeChat trade cannot change, so when one exists it is closed first and the order gets a new
 * out_trade_no (a trade the buyer may have started at the old amount can no longer be paid); if
 * WeChat says it was paid meanwhile, the payment is applied instead and its extra seats refunded.
 * A order whose every learner dropped is closed.
 */
export async function dropEnrolledSeats(deps: PaymentDeps, order: OrderRow, now: Date): Promise<OrderRow> {
  if (order.kind !== 'group' || order.status !== OrderStatus.PENDING) return order
  if ((await countEnrolledMeanwhile(deps.db, order.id)) === 0) return order
  if (order.prepayId && (await closeTrade(deps, order, now)) === 'paid') {
    await refundUnneededSeats(deps, order.id, now)
    return reload(deps, order.id)
  }
  await deps.db.transaction(async (tx) => {
    const locked = await lockOrderById(tx, order.id)
    // Paid, closed or already re-priced by a concurrent request: nothing more to do here.
    if (!locked || locked.status !== OrderStatus.PENDING || locked.outTradeNo !== order.outTradeNo) return
    const remaining = await dropEnrolledMeanwhile(tx, order.id, now)
    await repriceGroupOrder(tx, locked, remaining, newOutTradeNo(now), now)
  })
  return reload(deps, order.id)
}

/**
 * Returns, through WeChat Pay, the seats of a paid group order that were not needed (the learner
 * had bought for themselves by the time the payment arrived). One refund for the seats of one
 * payment; the refund row is written first and the dues point at it, so a retry (the
 * reconciliation sweep) re-sends the same out_refund_no and nothing is refunded twice. Orders paid
 * by 对公转账 are returned by staff (the amount is shown at confirmation and in 团购订单).
 */
export async function refundUnneededSeats(deps: PaymentDeps, orderId: number, now: Date): Promise<void> {
  const refund = await deps.db.transaction(async (tx) => {
    const order = await lockOrderById(tx, orderId)
    if (!order || order.kind !== 'group' || order.transactionId === null || order.status !== OrderStatus.PAID) return undefined
    const unanswered = await findUnansweredRefund(tx, orderId, SEAT_REFUND_REQUESTER)
    if (unanswered) return { order, row: unanswered }
    const dues = await unrefundedSeatDues(tx, orderId)
    if (dues.length === 0) return undefined
    const amountFen = dues.reduce((sum, d) => sum + d.amountFen, 0)
    const row = await insertRefund(tx, { orderId, outRefundNo: newOutRefundNo(now), amountFen, reason: SEAT_REFUND_REASON, requestedBy: SEAT_REFUND_REQUESTER }, now)
    await attachDuesToRefund(tx, dues.map((d) => d.id), row.id)
    return { order, row }
  })
  if (refund) await submitRefund(deps, refund.order, refund.row, now)
}

/** After a payment was applied: the order's unneeded seats are refunded; a failure is left to the sweep. */
export async function afterGroupPayment(deps: PaymentDeps, outTradeNo: string, now: Date): Promise<void> {
  const order = await findOrderByOutTradeNo(deps.db, outTradeNo)
  if (order?.kind !== 'group') return
  await refundUnneededSeats(deps, order.id, now).catch((error: unknown) =>
    deps.log.warn({ err: wechatPayErrorSummary(error), outTradeNo }, 'seat refund not sent; the reconciliation sweep retries'),
  )
}

/** The reconciliation sweep's share: seat refunds not yet sent, or sent without an answer. */
export async function sweepSeatRefunds(deps: PaymentDeps, now: Date, limit = 20): Promise<number> {
  const due = await ordersWithSeatRefundsDue(deps.db, limit)
  for (const orderId of due) {
    await refundUnneededSeats(deps, orderId, now).catch((error: unknown) => deps.log.warn({ err: wechatPayErrorSummary(error), orderId }, 'seat refund retry failed'))
  }
  return due.length
}
