// Stand-in for the WeChat client's cashier (getBrandWCPayRequest), used by the H5's simulator
// bridge and by tests. It checks exactly what the client checks (§3.6): paySign with the merchant
// public key over the 4-line string, a live prepay_id of the same AppID, an unpaid order.
import type { SimContext } from './context.ts'
import { payOrder, refreshOrder } from './orders.ts'
import { paySignMessage, rsaVerify } from './pay-signing.ts'

export type CashierAction = 'confirm' | 'cancel' | 'fail'
export interface CashierResult { status: number; body: { err_msg: string; detail?: string } }

const PREFIX = 'get_brand_wcpay_request'
const failWith = (status: number, detail: string): CashierResult => ({ status, body: { err_msg: `${PREFIX}:fail`, detail } })

export function runCashier(ctx: SimContext, input: Record<string, unknown>): CashierResult {
  const { appId, timeStamp, nonceStr, package: pkg, signType, paySign, action } = input
  if (typeof appId !== 'string' || typeof timeStamp !== 'string' || typeof nonceStr !== 'string' || typeof pkg !== 'string' || typeof paySign !== 'string') {
    return failWith(400, '调用支付JSAPI缺少参数：appId、timeStamp、nonceStr、package、paySign均为字符串')
  }
  if (signType !== 'RSA') return failWith(400, '调用支付JSAPI缺少参数：signType必须为RSA')
  if (action !== 'confirm' && action !== 'cancel' && action !== 'fail') return failWith(400, 'action必须为confirm、cancel或fail')
  if (!/^\d{1,12}$/.test(timeStamp) || nonceStr.length > 32) return failWith(400, '调用支付JSAPI缺少参数：timeStamp或nonceStr格式错误')
  const match = /^prepay_id=(.+)$/.exec(pkg)
  if (!match?.[1]) return failWith(400, '调用支付JSAPI缺少参数：package格式应为prepay_id=***')
  if (!rsaVerify(ctx.keys.merchantPublic, paySignMessage(appId, timeStamp, nonceStr, pkg), paySign)) {
    return failWith(401, '支付验证签名失败')
  }
  const prepay = ctx.state.prepays.get(match[1])
  if (!prepay || ctx.now() >= prepay.expiresAt) return failWith(400, '调用支付JSAPI缺少参数：prepay_id无效或已过期（有效期2小时）')
  const order = ctx.state.orders.get(prepay.outTradeNo)
  if (!order) return failWith(400, '调用支付JSAPI缺少参数：prepay_id无效')
  if (order.appid !== appId) return failWith(400, '调用支付JSAPI缺少参数：appId与下单时的appid不一致')
  refreshOrder(ctx, order)
  if (order.state === 'SUCCESS' || order.state === 'REFUND') return failWith(409, '该订单已支付')
  if (order.state === 'CLOSED') return failWith(409, '订单已关闭或已超过支付截止时间')
  if (order.state !== 'NOTPAY') return failWith(409, '订单状态不允许支付')
  if (action === 'cancel') return { status: 200, body: { err_msg: `${PREFIX}:cancel` } }
  if (action === 'fail') {
    order.state = 'PAYERROR'
    ctx.state.changed()
    return { status: 200, body: { err_msg: `${PREFIX}:fail`, detail: '模拟支付失败' } }
  }
  payOrder(ctx, order)
  return { status: 200, body: { err_msg: `${PREFIX}:ok` } }
}
