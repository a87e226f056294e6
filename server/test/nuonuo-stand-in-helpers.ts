import type { ServerResponse } from 'node:http'
import { PDFDocument } from 'pdf-lib'
import { sendJson, startStandIn, type ReceivedRequest, type StandIn } from './wechat-stand-in-helpers.ts'
import { nuonuoSignature } from '../src/integrations/invoice/nuonuo-sign.ts'

/**
 * A local stand-in for 诺诺开放平台, for tests only: it checks the signature and token as Nuonuo
 * does, keeps one invoice per orderNo (a second requestBillingNew with the same orderNo is refused
 * as a duplicate), and lets the test decide when an invoice is done, fail or time out.
 */

export const STAND_IN_APP_KEY = 'standin-appkey'
export const STAND_IN_APP_SECRET = 'standin-secret'
const TOKEN = 'standin-access-token'

export interface StandInInvoice {
  orderNo: string
  serialNo: string
  kind: 'blue' | 'red'
  status: '20' | '2' | '22'
  number: string | null
  failCause: string | null
  body: Record<string, unknown>
}

export interface NuonuoStandIn extends StandIn {
  invoices: Map<string, StandInInvoice>
  /** Calls answered per method name (after any fault). */
  calls: Record<string, number>
  /** The next n service calls answer 500 (before doing anything). */
  failNext(n: number): void
  /** The next n service calls are carried out but never answered (the client times out). */
  loseAnswers(n: number): void
  /** Issues (or fails) an invoice, as Nuonuo does some seconds after the request. */
  finish(orderNo: string, outcome?: { failCause: string }): StandInInvoice
  stats: { tokenRequests: number; badSignatures: number }
}

export async function startNuonuoStandIn(): Promise<NuonuoStandIn> {
  const invoices = new Map<string, StandInInvoice>()
  const calls: Record<string, number> = {}
  let fail = 0
  let lose = 0
  let numbers = 0
  const state = { tokenRequests: 0, badSignatures: 0 }

  async function handle(req: ReceivedRequest, res: ServerResponse): Promise<void> {
    const url = new URL(req.url, 'http://stand-in')
    if (url.pathname === '/accessToken') {
      state.tokenRequests++
      const form = new URLSearchParams(req.body)
      if (form.get('client_id') !== STAND_IN_APP_KEY || form.get('client_secret') !== STAND_IN_APP_SECRET || form.get('grant_type') !== 'client_credentials') {
        return void sendJson(res, 400, { error: 'invalid_client' })
      }
      return sendJson(res, 200, { access_token: TOKEN, expires_in: 86_400 })
    }
    if (url.pathname.startsWith('/pdf/')) {
      const doc = await PDFDocument.create()
      doc.addPage([200, 100])
      doc.setTitle(url.pathname.slice(5))
      res.writeHead(200, { 'content-type': 'application/pdf' })
      res.end(Buffer.from(await doc.save()))
      return
    }
    if (url.pathname !== '/open/v1/services') return sendJson(res, 404, {})
    if (fail > 0) {
      fail--
      return sendJson(res, 500, { message: 'internal error' })
    }
    const q = url.searchParams
    const expected = nuonuoSignature({
      servicePath: url.pathname,
      appKey: STAND_IN_APP_KEY,
      appSecret: STAND_IN_APP_SECRET,
      senid: q.get('senid') ?? '',
      nonce: q.get('nonce') ?? '',
      timestamp: q.get('timestamp') ?? '',
      body: req.body,
    })
    if (q.get('appkey') !== STAND_IN_APP_KEY || req.headers['x-nuonuo-sign'] !== expected || !/^\d{8}$/.test(q.get('nonce') ?? '') || !/^[0-9a-f]{32}$/.test(q.get('senid') ?? '')) {
      state.badSignatures++
      return sendJson(res, 200, { code: '070301', describe: '签名验证失败' })
    }
    if (req.headers.accesstoken !== TOKEN) return sendJson(res, 200, { code: '070314', describe: 'accessToken 无效' })
    const method = String(req.headers.method ?? '')
    const content = JSON.parse(req.body) as Record<string, unknown>
    const answer = dispatch(method, content)
    calls[method] = (calls[method] ?? 0) + 1
    if (lose > 0) {
      lose--
      return // carried out, never answered
    }
    return sendJson(res, 200, answer)
  }

  function dispatch(method: string, content: Record<string, unknown>) {
    if (method === 'nuonuo.OpeMplatform.requestBillingNew') {
      const order = content.order as Record<string, unknown>
      const orderNo = String(order.orderNo)
      if (invoices.has(orderNo)) return { code: 'E9106', describe: '订单编号重复，请勿重复开票' }
      const serialNo = `SN${orderNo}`
      invoices.set(orderNo, { orderNo, serialNo, kind: 'blue', status: '20', number: null, failCause: null, body: order })
      return { code: 'E0000', describe: '开票提交成功', result: { invoiceSerialNum: serialNo } }
    }
    if (method === 'nuonuo.OpeMplatform.saveInvoiceRedConfirm') {
      const billId = String(content.billId)
      if (invoices.has(billId)) return { code: 'E9106', describe: '红字确认单重复' }
      invoices.set(billId, { orderNo: billId, serialNo: `RB${billId}`, kind: 'red', status: '20', number: null, failCause: null, body: content })
      return { code: 'E0000', describe: '成功', result: { billId } }
    }
    if (method === 'nuonuo.OpeMplatform.queryInvoiceResult') {
      const orderNos = (content.orderNos as string[] | undefined) ?? []
      const rows = orderNos.flatMap((no) => {
        const inv = invoices.get(no)
        if (!inv) return []
        return [
          {
            orderNo: inv.orderNo,
            serialNo: inv.serialNo,
            status: inv.status,
            statusMsg: inv.status === '2' ? '开票完成（最终状态）' : inv.status === '22' ? '开票失败' : '开票中',
            failCause: inv.failCause ?? '',
            allElectronicInvoiceNumber: inv.number ?? '',
            invoiceTime: inv.number ? Date.UTC(2025, 5, 1, 2) : '',
            pdfUrl: inv.number ? `${standIn.baseUrl}/pdf/${inv.orderNo}` : '',
          },
        ]
      })
      return { code: 'E0000', describe: '获取成功', result: rows }
    }
    return { code: 'E9999', describe: `unknown method ${method}` }
  }

  const standIn = await startStandIn(handle)
  return {
    ...standIn,
    invoices,
    calls,
    failNext: (n: number) => void (fail = n),
    loseAnswers: (n: number) => void (lose = n),
    finish(orderNo: string, outcome?: { failCause: string }) {
      const inv = invoices.get(orderNo)
      if (!inv) throw new Error(`stand-in has no invoice ${orderNo}`)
      if (outcome) Object.assign(inv, { status: '22', failCause: outcome.failCause })
      else Object.assign(inv, { status: '2', number: `2550000000${String(++numbers).padStart(10, '0')}` })
      return inv
    },
    stats: state,
  }
}
