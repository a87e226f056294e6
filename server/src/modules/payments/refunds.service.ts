import { OrderStatus } from '@app/shared'
import { wechatPayErrorSummary } from '../../integrations/wechat/pay/errors.ts'
import type { WechatPayRefund } from '../../integrations/wechat/pay/types.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { markOrderRefundClosed, markOrderRefunding } from '../orders/order-payment.repository.ts'
import { findOrderByOutTradeNo, type OrderRow } from '../orders/orders.read-model.ts'
import { lockOrderById } from '../orders/orders.repository.ts'
import { RefundNotAllowedError } from './payments.errors.ts'
import { REFUND_NOTIFY_PATH } from './payments.paths.ts'
import { newOutRefundNo, REFUND_WINDOW_MS } from './payments.rules.ts'
import type { PaymentDeps } from './payments.service.ts'
import { findOpenRefund, insertRefund, lockRefundByOutRefundNo, markRefundEnded, markRefundProcessing, type RefundRow } from './refunds.repository.ts'
import { settleRefund, type NotificationAudit } from './settlement.service.ts'

export type { RefundRow } from './refunds.repository.ts'

/**
 * Staff refund of a paid order (PAY-4, OPS-4): the whole amount. The refund row is written first
 * with its out_refund_no, so a retry after a timeout reuses the same number and WeChat refunds at
 * most once. The result arrives by notification (or `syncRefund`).
 */
export async function requestRefund(
  deps: PaymentDeps,
  input: { outTradeNo: string; reason: string; staff: string },
  now: Date,
  /** Called in the transaction that writes a new refund row (not for a repeated request): the staff audit record. */
  onRequested?: (tx: AppTx, refund: RefundRow) => Promise<void>,
) {
  const order = await findOrderByOutTradeNo(deps.db, input.outTradeNo)
  if (!order) throw new RefundNotAllowedError('订单不存在')
  if (order.status !== OrderStatus.PAID && order.status !== OrderStatus.REFUNDING) throw new RefundNotAllowedError('只有已支付的订单可以退款')
  if (order.paidAt && now.getTime() - order.paidAt.getTime() > REFUND_WINDOW_MS) throw new RefundNotAllowedError('订单支付已超过一年，微信支付不再受理退款')
  const amountFen = order.amountFen - order.refundedFen

  const refund = await deps.db.transaction(async (tx) => {
    const locked = await lockOrderById(tx, order.id)
    const open = await findOpenRefund(tx, order.id)
    if (open) return open
    if (!locked || locked.status !== OrderStatus.PAID) throw new RefundNotAllowedError('只有已支付的订单可以退款')
    const row = await insertRefund(tx, { orderId: order.id, outRefundNo: newOutRefundNo(now), amountFen, reason: input.reason.slice(0, 80), requestedBy: input.staff }, now)
    await markOrderRefunding(tx, order.id)
    await onRequested?.(tx, row)
    return row
  })
  if (!refund) throw new Error('refund row missing')

  await submitRefund(deps, order, refund, now)
  return refund.outRefundNo
}

/**
 * Sends a refund row to WeChat Pay (or again, with the same out_refund_no, after an unknown
 * outcome) and applies an immediate success; otherwise the notification (or `syncRefund`) settles it.
 */
export async function submitRefund(deps: PaymentDeps, order: OrderRow, refund: RefundRow, now: Date): Promise<void> {
  try {
    const answer = await deps.pay.createRefund({
      out_trade_no: order.outTradeNo,
      out_refund_no: refund.outRefundNo,
      reason: refund.reason,
      notify_url: `${deps.publicBaseUrl}${REFUND_NOTIFY_PATH}`,
      amount: { refund: refund.amountFen, total: order.amountFen, currency: 'CNY' },
    })
    await markRefundProcessing(deps.db, refund.id, answer.refund_id)
    if (answer.status === 'SUCCESS') await applyRefundAnswer(deps, answer, now)
  } catch (error) {
    // The outcome is unknown (or refused): the row stays "requested" and a retry reuses its number.
    deps.log.warn({ err: wechatPayErrorSummary(error), outRefundNo: refund.outRefundNo }, 'WeChat Pay refund request failed')
    throw error
  }
}

/** Asks WeChat about a refund still in progress and applies its answer (the refund notification may be lost). */
export async function syncRefund(deps: PaymentDeps, outRefundNo: string, now: Date) {
  const answer = await deps.pay.queryRefund(outRefundNo)
  return applyRefundAnswer(deps, answer, now)
}

/**
 * WeChat's word on a refund, from a notification, a query or the request's own answer — one path
 * for all three: a success settles the order and tells `onRefunded` (INV-3: the order's issued
 * invoice is red-lettered); CLOSED or ABNORMAL is kept on the refund row so staff see it (a closed
 * refund leaves the order paid again, so it can be refunded anew; an abnormal one is handled in
 * the merchant platform).
 */
export async function applyRefundAnswer(deps: PaymentDeps, answer: WechatPayRefund, now: Date, audit?: NotificationAudit) {
  const outcome = await settleRefund(deps.db, deps.wechat, answer, now, audit)
  if (outcome.kind === 'refunded' && deps.onRefunded) {
    // The invoice job's sweep catches up if this fails; the refund itself is already settled.
    await deps.onRefunded(answer.out_trade_no).catch((error: unknown) => deps.log.warn({ err: String(error).slice(0, 200) }, 'post-refund hook failed'))
  }
  if (outcome.kind === 'rejected' && outcome.reason === 'not_success' && (answer.status === 'CLOSED' || answer.status === 'ABNORMAL')) {
    const ended = answer.status === 'CLOSED' ? 'closed' : 'abnormal'
    await deps.db.transaction(async (tx) => {
      const row = await lockRefundByOutRefundNo(tx, answer.out_refund_no)
      if (!row || (row.status !== 'requested' && row.status !== 'processing')) return
      await markRefundEnded(tx, row.id, ended)
      if (ended === 'closed') await markOrderRefundClosed(tx, row.orderId)
    })
  }
  return outcome
}
