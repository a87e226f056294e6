import type { ServerResponse } from 'node:http'
import { PDFDocument } from 'pdf-lib'
import { sendJson, startStandIn, type ReceivedRequest, type StandIn } from './wechat-stand-in-helpers.ts'
import { nuonuoSignature } from '../src/integrations/invoice/nuonuo-sign.ts'

/**
 * A local stand-in for 诺诺开放平台, for tests only, built from Nuonuo's published field tables (the
 * sources are listed in docs/invoices.md): it checks the signature and token as Nuonuo does, keeps
 * one invoice per orderNo (a second requestBillingNew with the same orderNo is refused as a
 * duplicate), keeps 红字确认单 (saveInvoiceRedConfirm / queryInvoiceRedConfirm) whose red invoice is
 * issued under the form's orderNo, answers fastInvoiceRed, posts callbacks in Nuonuo's form format,
 * and lets the test decide when an invoice is done, fails or times out.
 */

export const STAND_IN_APP_KEY = 'standin-appkey'
export const STAND_IN_APP_SECRET = 'standin-secret'

export interface StandInInvoice {
  orderNo: string
  serialNo: string
  kind: 'blue' | 'red'
  status: '20' | '2' | '22'
  number: string | null
  failCause: string | null
  body: Record<string, unknown>
}

/** A 红字确认单 as Nuonuo keeps it (queryInvoiceRedConfirm's fields). */
export interface StandInRedForm {
  billId: string
  billNo: string
  billUuid: string
  /** 01 无需确认, 02 销方录入待购方确认, 04 购销双方已确认, 05–09 作废, 15 申请中, 16 申请失败. */
  billStatus: string
  billMessage: string
  blueElecInvoiceNumber: string
  redReason: string
  body: Record<string, unknown>
}

export interface NuonuoStandIn extends StandIn {
  invoices: Map<string, StandInInvoice>
  redForms: Map<string, StandInRedForm>
  /** The state new 红字确认单 get (default 01 无需确认), and an optional message (for 16 申请失败). */
  redFormOutcome: { billStatus: string; billMessage: string }
  /** When true, a confirmed form's red invoice reaches Nuonuo only through fastInvoiceRed. */
  holdRedInvoices: boolean
  /** Posts Nuonuo's result callback for an invoice to the callback URL its request named. */
  sendCallback(orderNo: string): Promise<number>
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
  const redForms = new Map<string, StandInRedForm>()
  const tokens = new Set<string>()
  const options = { redFormOutcome: { billStatus: '01', billMessage: '' }, holdRedInvoices: false }
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
      const token = `standin-access-token-${state.tokenRequests}`
      tokens.add(token)
      return sendJson(res, 200, { access_token: token, expires_in: 86_400 })
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
    if (!tokens.has(String(req.headers.accesstoken ?? ''))) return sendJson(res, 200, { code: '070314', describe: 'accessToken 无效' })
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
      if (redForms.has(billId)) return { code: 'E9106', describe: '红字确认单申请号重复' }
      const form: StandInRedForm = {
        billId,
        billNo: `HZ${billId}`,
        billUuid: `UUID${billId}`,
        ...options.redFormOutcome,
        blueElecInvoiceNumber: String(content.blueElecInvoiceNumber ?? ''),
        redReason: String(content.redReason ?? ''),
        body: content,
      }
      redForms.set(billId, form)
      // Forms that need no confirmation (or are confirmed) get their red invoice from the bureau,
      // under the orderNo the request gave.
      if (['01', '04'].includes(form.billStatus) && !options.holdRedInvoices && typeof content.orderNo === 'string') issueRed(content.orderNo, form)
      // Nuonuo's table: result is the 红字确认单申请号.
      return { code: 'E0000', describe: '成功', result: billId }
    }
    if (method === 'nuonuo.OpeMplatform.queryInvoiceRedConfirm') {
      const form = redForms.get(String(content.billId ?? ''))
      const list = form && content.identity === '0' ? [{ ...form, body: undefined, blueInvoiceNumber: form.blueElecInvoiceNumber }] : []
      return { code: 'E0000', describe: '成功', result: { total: list.length, list } }
    }
    if (method === 'nuonuo.OpeMplatform.fastInvoiceRed') {
      const orderNo = String(content.orderNo ?? '')
      const form = [...redForms.values()].find((f) => f.billNo === content.billNo)
      if (!form) return { code: 'E9999', describe: '红字确认单不存在' }
      if (content.elecInvoiceNumber !== form.blueElecInvoiceNumber || content.taxNum === undefined) return { code: 'E9999', describe: '蓝票信息不一致' }
      if (invoices.has(orderNo)) return { code: 'E9106', describe: '订单编号重复' }
      const red = issueRed(orderNo, form)
      return { code: 'E0000', describe: '成功', result: { invoiceSerialNum: red.serialNo } }
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

  function issueRed(orderNo: string, form: StandInRedForm): StandInInvoice {
    const red: StandInInvoice = { orderNo, serialNo: `RS${orderNo}`, kind: 'red', status: '20', number: null, failCause: null, body: { ...form.body } }
    invoices.set(orderNo, red)
    return red
  }

  async function sendCallback(orderNo: string): Promise<number> {
    const inv = invoices.get(orderNo)
    if (!inv) throw new Error(`stand-in has no invoice ${orderNo}`)
    const url = String(inv.body.callBackUrl ?? inv.body.callbackUrl ?? '')
    // 回传开票结果: a form with operater, orderno and content (JSON). 数电电票 carry no c_fpdm/c_fphm.
    const content = {
      c_status: inv.status === '2' ? '1' : '2',
      c_orderno: orderNo,
      c_fpqqlsh: inv.serialNo,
      c_kprq: inv.number ? String(Date.UTC(2025, 5, 1, 2)) : '',
      c_fpdm: '',
      c_fphm: '',
      c_url: inv.number ? `${standIn.baseUrl}/pdf/${orderNo}` : '',
      c_errorMessage: inv.failCause ?? '',
    }
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ operater: 'callback', orderno: orderNo, content: JSON.stringify(content) }).toString(),
    })
    return res.status
  }

  const standIn = await startStandIn(handle)
  return {
    ...standIn,
    invoices,
    redForms,
    get redFormOutcome() {
      return options.redFormOutcome
    },
    set redFormOutcome(value) {
      options.redFormOutcome = value
    },
    get holdRedInvoices() {
      return options.holdRedInvoices
    },
    set holdRedInvoices(value) {
      options.holdRedInvoices = value
    },
    sendCallback,
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
