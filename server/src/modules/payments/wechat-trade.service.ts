import { WechatPayError, wechatPayErrorSummary } from '../../integrations/wechat/pay/errors.ts'
import type { OrderRow } from '../orders/orders.read-model.ts'
import { PaymentUnavailableError } from './payments.errors.ts'
import type { PaymentDeps } from './payments.service.ts'
import { settlePaid } from './settlement.service.ts'

/**
 * Closes an order's trade at WeChat Pay so it can no longer be paid. When the close fails, WeChat
 * is asked what became of the trade: paid meanwhile → the payment is applied here and 'paid'
 * answered (the caller then does what follows a payment); closed or unknown to WeChat → 'closed';
 * anything else → PaymentUnavailableError (try again later).
 */
export async function closeTrade(deps: PaymentDeps, order: OrderRow, now: Date): Promise<'closed' | 'paid'> {
  try {
    await deps.pay.close(order.outTradeNo)
    return 'closed'
  } catch (error) {
    deps.log.warn({ err: wechatPayErrorSummary(error), outTradeNo: order.outTradeNo }, 'WeChat Pay close failed; querying')
    const trade = await deps.pay.queryByOutTradeNo(order.outTradeNo).catch(() => null)
    if (trade?.trade_state === 'SUCCESS') {
      await settlePaid(deps.db, deps.wechat, trade, now)
      return 'paid'
    }
    if (trade?.trade_state !== 'CLOSED' && !(error instanceof WechatPayError && error.code === 'ORDER_NOT_EXIST')) throw new PaymentUnavailableError()
    return 'closed'
  }
}
