// Stand-in for WeChat's invoice-title picker when the server runs the built-in WeChat simulator: an
// action sheet marked 「模拟微信（开发环境）」 lists the simulator's saved titles and answers in the
// shape of wx.chooseInvoiceTitle's callback.
import { showActionSheet } from './simulated-action-sheet.ts'
import { http } from '@/api/http.ts'

interface SimulatedTitle {
  type: string
  title: string
  taxNumber: string
}

export async function requestSimulatedInvoiceTitle(): Promise<{ errMsg: string; choose_invoice_title_info?: string }> {
  let titles: SimulatedTitle[]
  try {
    titles = (await http.get<{ titles: SimulatedTitle[] }>('/wx-sim/dev/invoice-titles', { baseURL: '', skipSession: true })).titles
  } catch {
    return { errMsg: 'chooseInvoiceTitle:fail' }
  }
  const index = await showActionSheet(
    '选择发票抬头（模拟微信·开发环境）',
    titles.map((t) => ({ name: t.title, subname: t.type === '0' ? `单位 ${t.taxNumber}` : '个人' })),
  )
  if (index === null) return { errMsg: 'chooseInvoiceTitle:cancel' }
  return { errMsg: 'chooseInvoiceTitle:ok', choose_invoice_title_info: JSON.stringify(titles[index]) }
}
