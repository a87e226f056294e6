// Stand-in for WeChat's cashier when the server runs the built-in WeChat simulator (development and
// tests, docs/architecture.md "WeChat"): a sheet marked 「模拟支付（开发环境）」 asks the learner, then
// POST /wx-sim/dev/pay hands the same JSAPI parameters to the simulator, which checks paySign as
// WeChat's client would and sends the server WeChat's signed payment notification. The server never
// takes this page's "ok" as payment: the pay page polls the order exactly as it does in WeChat.
import type { JsapiPayParams } from '@app/shared/orders'
import { createApp, h } from 'vue'
import { payWithSimulator } from '@/api/wechat.ts'
import { paymentOutcome, type PaymentOutcome } from './pay.ts'
import SimulatedCashier from './SimulatedCashier.vue'

export interface SimulatedPaymentInfo {
  /** Shown large on the sheet, e.g. ¥90.00. */
  amountText: string
  /** What is being paid for. */
  description: string
}

/** Shows the simulated cashier and resolves with the simulator's answer; never rejects. */
export function requestSimulatedPayment(params: JsapiPayParams, info: SimulatedPaymentInfo): Promise<PaymentOutcome> {
  return new Promise((resolve) => {
    let outcome: PaymentOutcome = 'cancel'
    const host = document.createElement('div')
    document.body.appendChild(host)
    const app = createApp({
      render: () =>
        h(SimulatedCashier, {
          ...info,
          decide: async (action: 'confirm' | 'cancel') => {
            try {
              outcome = paymentOutcome((await payWithSimulator(params, action)).err_msg)
            } catch {
              outcome = 'fail'
            }
          },
          onClosed: () => {
            app.unmount()
            host.remove()
            resolve(outcome)
          },
        }),
    })
    app.mount(host)
  })
}
