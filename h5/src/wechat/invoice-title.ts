// 「从微信选择抬头」 (INV-1): the learner's saved WeChat invoice titles through the JS-SDK's
// chooseInvoiceTitle, or, when the server runs the built-in simulator, the simulated bridge's
// stand-in. Whatever comes back is only a draft: the form validates it like typed input.
import { prepareJssdk } from './jssdk.ts'

export interface PickedInvoiceTitle {
  titleType: 'personal' | 'unit'
  title: string
  taxpayerId: string
}

/** WeChat's choose_invoice_title_info (a JSON string): type "0" 单位, "1" 个人. Null when unusable. */
export function parseWechatInvoiceTitle(info: unknown): PickedInvoiceTitle | null {
  let value: unknown = info
  if (typeof info === 'string') {
    try {
      value = JSON.parse(info)
    } catch {
      return null
    }
  }
  if (typeof value !== 'object' || value === null) return null
  const { type, title, taxNumber } = value as { type?: unknown; title?: unknown; taxNumber?: unknown }
  if (typeof title !== 'string' || title.trim() === '' || (type !== '0' && type !== '1' && type !== 0 && type !== 1)) return null
  const unit = String(type) === '0'
  return { titleType: unit ? 'unit' : 'personal', title: title.trim().slice(0, 100), taxpayerId: unit && typeof taxNumber === 'string' ? taxNumber.trim().toUpperCase().slice(0, 30) : '' }
}

export type ChooseOutcome = { kind: 'picked'; title: PickedInvoiceTitle } | { kind: 'cancel' } | { kind: 'fail'; message: string }

/** Asks WeChat (or the simulator's stand-in) for one of the learner's saved titles; never rejects. */
export async function chooseWechatInvoiceTitle(): Promise<ChooseOutcome> {
  let mode
  try {
    mode = await prepareJssdk()
  } catch {
    return { kind: 'fail', message: '微信接口暂不可用，请手动填写发票信息' }
  }
  const answer =
    mode.kind === 'simulator'
      ? await (await import('./simulated-invoice-titles.ts')).requestSimulatedInvoiceTitle()
      : await new Promise<{ errMsg?: string; choose_invoice_title_info?: unknown }>((resolve) => {
          mode.wx.chooseInvoiceTitle({ scene: '1', success: resolve, cancel: resolve, fail: resolve })
        })
  const errMsg = answer.errMsg ?? ''
  if (/:cancel/.test(errMsg)) return { kind: 'cancel' }
  const title = /:ok/.test(errMsg) ? parseWechatInvoiceTitle(answer.choose_invoice_title_info) : null
  return title ? { kind: 'picked', title } : { kind: 'fail', message: '未能读取微信发票抬头，请手动填写' }
}
