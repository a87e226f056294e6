// Order lifecycle shared by the pay routes, the refund routes and the /dev/pay cashier stand-in.
import type { SimContext } from './context.ts'
import type { Order } from './state.ts'
import { randomDigits, randomHex, rfc3339 } from './util.ts'

const STATE_DESC: Record<Order['state'], string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '订单发生过退款，退款详情请查询退款单',
  PAYERROR: '支付失败，请重新下单支付',
}

/** Unpaid orders close themselves at time_expire (7 days when none was given). */
export function refreshOrder(ctx: SimContext, order: Order): Order {
  if (order.state === 'NOTPAY' && ctx.now() > order.timeExpire) {
    order.state = 'CLOSED'
    ctx.state.changed()
  }
  return order
}

export function newPrepayId(now: number): string {
  const stamp = rfc3339(now).slice(0, 19).replace(/\D/g, '')
  return `wx${stamp}${randomHex(8)}${randomDigits(4)}`
}

export function newTransactionId(now: number): string {
  const day = rfc3339(now).slice(0, 10).replace(/-/g, '')
  return `4200${randomDigits(6)}${day}${randomDigits(10)}`
}

/** Query response: optional fields appear only once they apply (paid orders), as WeChat does. */
export function transactionView(order: Order, amountTotal = order.total): Record<string, unknown> {
  const base: Record<string, unknown> = {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    trade_state: order.state,
    trade_state_desc: STATE_DESC[order.state],
  }
  if (order.state === 'SUCCESS' || order.state === 'REFUND') {
    return {
      ...base,
      transaction_id: order.transactionId,
      trade_type: 'JSAPI',
      bank_type: order.bankType ?? 'OTHERS',
      attach: order.attach ?? '',
      success_time: rfc3339(order.successTime ?? 0),
      payer: { openid: order.openid },
      amount: { total: amountTotal, payer_total: order.payerTotal ?? order.total, currency: 'CNY', payer_currency: 'CNY' },
    }
  }
  if (order.state === 'PAYERROR') return { ...base, trade_type: 'JSAPI', amount: { total: order.total, payer_currency: 'CNY' } }
  return { ...base, amount: { total: order.total, payer_currency: 'CNY' } }
}

/** Marks the order paid and sends TRANSACTION.SUCCESS to its notify_url. */
export function payOrder(ctx: SimContext, order: Order): void {
  const now = ctx.now()
  order.state = 'SUCCESS'
  order.transactionId = newTransactionId(now)
  order.successTime = now
  order.bankType = 'OTHERS'
  order.payerTotal = order.total
  ctx.state.putOrder(order)
  const mismatch = ctx.faults.take('amountMismatch', 'notification')
  const total = mismatch === undefined ? order.total : order.total + (mismatch === true ? 1 : mismatch)
  ctx.notifier.send({
    url: order.notifyUrl,
    eventType: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    originalType: 'transaction',
    resource: { ...transactionView(order, total), trade_state_desc: '支付成功' },
  })
}
