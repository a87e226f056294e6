// Launching WeChat Pay's cashier for a JSAPI order (PAY-2, docs/wechat-protocol.md §3.6).
//
// Payment pages live under one path prefix, /pay/ (see router/routes.ts and
// views/purchase/README.md): that directory is what the merchant registers as the JSAPI 支付授权目录,
// and WeChat refuses the cashier on any page outside it (「当前页面的URL未注册」).
import type { JsapiPayParams } from '@app/shared/orders'
import { isWechat } from './env.ts'
import { prepareJssdk, type WxApi } from './jssdk.ts'

/**
 * What the cashier said. Only a hint: "ok" can be missing when the learner never taps 完成, and some
 * clients first say cancel and then ok. The page always asks the server (which asks WeChat).
 */
export type PaymentOutcome = 'ok' | 'cancel' | 'fail'

/**
 * Maps the cashier's message to an outcome: `get_brand_wcpay_request:ok|cancel|fail` from
 * WeixinJSBridge (and the simulator's stand-in), `chooseWXPay:ok|cancel|…` from the JS-SDK.
 * Anything else, or nothing, is a failure.
 */
export function paymentOutcome(errMsg: unknown): PaymentOutcome {
  if (typeof errMsg !== 'string') return 'fail'
  const colon = errMsg.lastIndexOf(':')
  if (colon === -1) return 'fail'
  const result = errMsg.slice(colon + 1).trim().toLowerCase()
  if (result === 'ok') return 'ok'
  if (result === 'cancel') return 'cancel'
  return 'fail'
}

/**
 * wx.chooseWXPay's options: the JS-SDK spells the field `timestamp` in lower case where the bridge
 * and the paySign string use `timeStamp`. Same value, the one the server signed; appId comes from
 * wx.config.
 */
export function chooseWXPayOptions(params: JsapiPayParams) {
  return {
    timestamp: params.timeStamp,
    nonceStr: params.nonceStr,
    package: params.package,
    signType: params.signType,
    paySign: params.paySign,
  }
}

interface WeixinJSBridgeApi {
  invoke(name: 'getBrandWCPayRequest', params: JsapiPayParams, callback: (result: { err_msg?: string }) => void): void
}

function currentBridge(): WeixinJSBridgeApi | undefined {
  const bridge = (window as unknown as { WeixinJSBridge?: Partial<WeixinJSBridgeApi> }).WeixinJSBridge
  return typeof bridge?.invoke === 'function' ? (bridge as WeixinJSBridgeApi) : undefined
}

/** WeChat injects WeixinJSBridge shortly after load; wait a moment for it before using the JS-SDK. */
function waitForBridge(timeoutMs: number): Promise<WeixinJSBridgeApi | undefined> {
  const ready = currentBridge()
  if (ready || !isWechat) return Promise.resolve(ready)
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      document.removeEventListener('WeixinJSBridgeReady', done)
      resolve(currentBridge())
    }
    const timer = setTimeout(done, timeoutMs)
    document.addEventListener('WeixinJSBridgeReady', done)
  })
}

function invokeBridge(bridge: WeixinJSBridgeApi, params: JsapiPayParams): Promise<PaymentOutcome> {
  return new Promise((resolve) => {
    bridge.invoke('getBrandWCPayRequest', { ...params }, (result) => resolve(paymentOutcome(result.err_msg)))
  })
}

function chooseWXPay(wx: WxApi, params: JsapiPayParams): Promise<PaymentOutcome> {
  return new Promise((resolve) => {
    wx.chooseWXPay({
      ...chooseWXPayOptions(params),
      success: (result) => resolve(paymentOutcome(result.errMsg ?? 'chooseWXPay:ok')),
      cancel: () => resolve('cancel'),
      fail: () => resolve('fail'),
    })
  })
}

/**
 * Opens WeChat's cashier inside WeChat: WeixinJSBridge.invoke('getBrandWCPayRequest') when the
 * bridge is there (it needs no wx.config), otherwise wx.chooseWXPay after wx.config. Never rejects:
 * a cashier that cannot open is a 'fail', and the page asks the server either way.
 */
export async function requestPayment(params: JsapiPayParams): Promise<PaymentOutcome> {
  try {
    const bridge = await waitForBridge(3_000)
    if (bridge) return await invokeBridge(bridge, params)
    const mode = await prepareJssdk()
    return mode.kind === 'wechat' ? await chooseWXPay(mode.wx, params) : 'fail'
  } catch {
    return 'fail'
  }
}

/**
 * Every payment page lives under this one path prefix (below the H5's base path), so that exactly
 * one directory, e.g. https://h5.example.cn/pay/, is registered as the JSAPI 支付授权目录.
 */
export const PAY_PATH_PREFIX = '/pay/'

/** The pay page of an order; `autoPay` opens the cashier as soon as the page has the order. */
export function payOrderPath(orderId: number, autoPay: boolean): string {
  return `${PAY_PATH_PREFIX}orders/${orderId}${autoPay ? '?autopay=1' : ''}`
}

/**
 * Whether the pay page has to be opened with a real page load rather than an in-app navigation.
 * iOS WeChat checks a history-mode SPA against the URL the learner landed on, for the JS-SDK
 * signature and, as reported widely, for the 支付授权目录 too: landing on "/" and navigating to
 * /pay/… would fail with 「当前页面的URL未注册」. A real load makes the pay page the landing URL.
 */
export function needsFreshPayPageLoad(input: { inWechat: boolean; ios: boolean; entryUrl: string; basePath: string }): boolean {
  if (!input.inWechat || !input.ios) return false
  let path: string
  try {
    path = new URL(input.entryUrl).pathname
  } catch {
    return true
  }
  const base = input.basePath.endsWith('/') ? input.basePath.slice(0, -1) : input.basePath
  return !path.startsWith(`${base}${PAY_PATH_PREFIX}`)
}
