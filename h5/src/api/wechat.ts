import type { JsapiPayParams, JsSdkConfig } from '@app/shared/orders'
import { http } from './http.ts'

/**
 * GET /api/wechat/jssdk-config: the wx.config signature for one page URL (WX-1). The URL is sent
 * encoded for transport only (axios encodes params); the server signs the decoded string. 400
 * JSSDK_URL_NOT_ALLOWED for a page that is not ours.
 */
export function fetchJssdkConfig(url: string): Promise<JsSdkConfig> {
  return http.get<JsSdkConfig>('/wechat/jssdk-config', { params: { url } })
}

/** What the simulator's cashier stand-in answers, in the shape of getBrandWCPayRequest's callback. */
export interface SimulatorCashierResult {
  err_msg: string
  detail?: string
}

export type SimulatorCashierAction = 'confirm' | 'cancel' | 'fail'

/**
 * POST /wx-sim/dev/pay: development and tests only (the server mounts the WeChat simulator there
 * when it has no WeChat credentials). The simulator checks paySign as WeChat's client would and then
 * sends the server WeChat's signed notification; its answer is still only a hint for the page.
 * Outside /api, without the learner's token (the simulator plays WeChat, not our server).
 */
export async function payWithSimulator(
  params: JsapiPayParams,
  action: SimulatorCashierAction,
): Promise<SimulatorCashierResult> {
  const body = await http.post<unknown>(
    '/wx-sim/dev/pay',
    { ...params, action },
    // A refused payment (bad signature, closed order) comes back as 4xx with an err_msg, as the real
    // cashier reports a failure: it is a result for the page, not a transport error.
    { baseURL: '', skipSession: true, validateStatus: (status) => status < 500 },
  )
  if (isCashierResult(body)) return body
  return { err_msg: 'get_brand_wcpay_request:fail', detail: '模拟收银台未返回支付结果' }
}

function isCashierResult(value: unknown): value is SimulatorCashierResult {
  return typeof value === 'object' && value !== null && typeof (value as { err_msg?: unknown }).err_msg === 'string'
}
