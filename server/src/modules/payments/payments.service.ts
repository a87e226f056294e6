import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { WechatPayClient } from '../../integrations/wechat/pay/client.ts'
import { WechatPayError, wechatPayErrorSummary } from '../../integrations/wechat/pay/errors.ts'
import { buildJsapiPayParams } from '../../integrations/wechat/pay/signing.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { OrderExpiredError, OrderNotFoundError, OrderNotPendingError } from '../orders/orders.errors.ts'
import { boundOpenid } from '../auth/auth.read-model.ts'
import { markQueried, savePrepayId } from '../orders/order-payment.repository.ts'
import { findBuyerOrder, type OrderRow } from '../orders/orders.read-model.ts'
import { GroupSeatsAllTakenError, PayerChangedError, PaymentUnavailableError, WechatOpenidRequiredError } from './payments.errors.ts'
import { afterGroupPayment, dropEnrolledSeats } from './group-seats.service.ts'
import { NOTIFY_PATH } from './payments.paths.ts'
import { billDescription, PREPAY_ID_LIFETIME_MS, prepayNeedsRenewal, QUERY_INTERVAL_MS, toBeijingRfc3339 } from './payments.rules.ts'
import { closePending, settlePaid } from './settlement.service.ts'
import { closeTrade } from './wechat-trade.service.ts'

export interface PaymentDeps {
  db: AppDb
  wechat: WechatSettings
  pay: WechatPayClient
  /** Origin WeChat reaches us at; notify_url is built on it. */
  publicBaseUrl: string
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void }
  /** Told after a refund succeeded (INV-3: an issued invoice is red-lettered); failures are only logged. */
  onRefunded?: (outTradeNo: string) => Promise<void>
}

/**
 * Prepares WeChat Pay for a pending order (JSAPI) and returns the parameters the page hands to the
 * WeChat bridge. The prepay_id is reused while valid; a renewal repeats the first request exactly,
 * which WeChat treats as the same order.
 */
export async function preparePayment(deps: PaymentDeps, buyerUserId: number, orderId: number, now: Date) {
  const found = await findBuyerOrder(deps.db, buyerUserId, orderId)
  if (!found) throw new OrderNotFoundError()
  let order = found.order
  if (order.status !== OrderStatus.PENDING) throw new OrderNotPendingError()
  if (order.expiresAt <= now) {
    await closeWithWechat(deps, order, 'expired', now)
    throw new OrderExpiredError()
  }
  // A group order is re-priced first: learners who bought for themselves meanwhile are not charged.
  order = await dropEnrolledSeats(deps, order, now)
  if (order.status === OrderStatus.CLOSED && order.closeReason === 'no_learners_left') throw new GroupSeatsAllTakenError()
  if (order.status !== OrderStatus.PENDING) throw new OrderNotPendingError()
  const openid = await boundOpenid(deps.db, buyerUserId)
  if (!openid) throw new WechatOpenidRequiredError()
  if (order.payerOpenid && order.payerOpenid !== openid) throw new PayerChangedError()

  if (prepayNeedsRenewal(order.prepayId, order.prepayIdExpiresAt, now)) {
    let prepayId: string
    try {
      ;({ prepay_id: prepayId } = await deps.pay.prepayJsapi({
        description: billDescription(found.projectTitle),
        out_trade_no: order.outTradeNo,
        time_expire: toBeijingRfc3339(order.expiresAt),
        notify_url: `${deps.publicBaseUrl}${NOTIFY_PATH}`,
        amount: { total: order.amountFen, currency: 'CNY' },
        payer: { openid },
      }))
    } catch (error) {
      deps.log.warn({ err: wechatPayErrorSummary(error), outTradeNo: order.outTradeNo }, 'WeChat Pay prepay failed')
      throw new PaymentUnavailableError()
    }
    const updated = await savePrepayId(deps.db, order, { prepayId, expiresAt: new Date(now.getTime() + PREPAY_ID_LIFETIME_MS), payerOpenid: openid })
    // Paid, closed, or re-priced under a new out_trade_no meanwhile: this prepay is never handed out.
    if (!updated) throw order.kind === 'group' ? new PaymentUnavailableError() : new OrderNotPendingError()
    order = updated
  }
  return {
    order,
    projectTitle: found.projectTitle,
    payParams: buildJsapiPayParams(deps.wechat, order.prepayId as string, { now: () => now.getTime() }),
  }
}

/**
 * Asks WeChat what became of a pending order and applies the answer: paid (checked against our
 * amount), closed, or still unpaid; an unpaid order past its time is closed at WeChat and here.
 */
export async function syncWithWechat(deps: PaymentDeps, order: OrderRow, now: Date): Promise<void> {
  if (order.status !== OrderStatus.PENDING) return
  if (!order.prepayId) {
    if (order.expiresAt <= now) await closePending(deps.db, order.id, 'expired', now)
    return
  }
  await markQueried(deps.db, order.id, now)
  let trade
  try {
    trade = await deps.pay.queryByOutTradeNo(order.outTradeNo)
  } catch (error) {
    if (error instanceof WechatPayError && error.code === 'ORDER_NOT_EXIST') {
      if (order.expiresAt <= now) await closePending(deps.db, order.id, 'expired', now)
      return
    }
    deps.log.warn({ err: wechatPayErrorSummary(error), outTradeNo: order.outTradeNo }, 'WeChat Pay query failed')
    return
  }
  if (trade.trade_state === 'SUCCESS') {
    const outcome = await settlePaid(deps.db, deps.wechat, trade, now)
    if (outcome.kind === 'rejected') deps.log.error({ outTradeNo: order.outTradeNo, reason: outcome.reason }, 'queried payment refused')
    if (outcome.kind === 'paid') await afterGroupPayment(deps, order.outTradeNo, now)
  } else if (trade.trade_state === 'CLOSED') {
    // WeChat closes unpaid orders itself at time_expire; that is still our expiry.
    await closePending(deps.db, order.id, order.expiresAt <= now ? 'expired' : 'closed_by_wechat', now)
  } else if (order.expiresAt <= now) {
    await closeWithWechat(deps, order, 'expired', now)
  }
}

/** The H5 polls an order after the bridge returns; a pending one is checked with WeChat (rate-limited). */
export async function refreshBuyerOrder(deps: PaymentDeps, buyerUserId: number, orderId: number, now: Date) {
  const found = await findBuyerOrder(deps.db, buyerUserId, orderId)
  if (!found) throw new OrderNotFoundError()
  const stale = !found.order.lastQueriedAt || now.getTime() - found.order.lastQueriedAt.getTime() >= QUERY_INTERVAL_MS
  if (found.order.status === OrderStatus.PENDING && (stale || found.order.expiresAt <= now)) {
    await syncWithWechat(deps, found.order, now)
    return (await findBuyerOrder(deps.db, buyerUserId, orderId)) ?? found
  }
  return found
}

/**
 * Closes an unpaid order: first at WeChat (so it can no longer be paid), then here. If WeChat says
 * it was paid meanwhile, the payment is applied instead.
 */
export async function closeWithWechat(deps: PaymentDeps, order: OrderRow, reason: 'cancelled' | 'expired', now: Date): Promise<void> {
  if (order.prepayId && (await closeTrade(deps, order, now)) === 'paid') {
    await afterGroupPayment(deps, order.outTradeNo, now)
    return
  }
  await closePending(deps.db, order.id, reason, now)
}

/** 取消订单 from 我的订单. */
export async function cancelBuyerOrder(deps: PaymentDeps, buyerUserId: number, orderId: number, now: Date) {
  const found = await findBuyerOrder(deps.db, buyerUserId, orderId)
  if (!found) throw new OrderNotFoundError()
  if (found.order.status !== OrderStatus.PENDING) throw new OrderNotPendingError()
  await closeWithWechat(deps, found.order, 'cancelled', now)
  return (await findBuyerOrder(deps.db, buyerUserId, orderId)) ?? found
}
