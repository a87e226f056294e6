import { formatFen } from '@app/shared'
import { nuonuoRequestIds, nuonuoSignature } from './nuonuo-sign.ts'
import { InvoiceProviderError, type InvoiceDocumentRequest, type InvoiceProvider, type InvoiceResult } from './provider.ts'

/**
 * 诺诺开放平台 (Nuonuo open platform), 诺税通 SaaS invoice API, for a self-use (自用型) app:
 * - access token: POST {tokenUrl} form client_id / client_secret / grant_type=client_credentials;
 * - every call: POST {apiUrl}?senid&nonce&timestamp&appkey with headers X-Nuonuo-Sign (see
 *   nuonuo-sign.ts), accessToken, userTax, method; JSON body; answer {code, describe, result};
 *   code E0000 is success;
 * - issue: nuonuo.OpeMplatform.requestBillingNew (our orderNo = the idempotency key; a repeated
 *   orderNo is refused as a duplicate, which we take as "already accepted");
 * - red-letter of a 数电票: nuonuo.OpeMplatform.saveInvoiceRedConfirm (红字确认单; the red invoice is
 *   issued automatically when no confirmation by the buyer is needed);
 * - result: nuonuo.OpeMplatform.queryInvoiceResult by orderNos, polled, and a callback to
 *   callBackUrl, which we only take as a hint to query (it carries no signature);
 * - file: the pdfUrl of the query result.
 * Nothing here logs; errors carry Nuonuo's code and description, never credentials.
 */

export const NUONUO_DEFAULT_API_URL = 'https://sdk.nuonuo.com/open/v1/services'
export const NUONUO_DEFAULT_TOKEN_URL = 'https://open.nuonuo.com/accessToken'
const TIMEOUT_MS = 10_000

export interface NuonuoSettings {
  appKey: string
  appSecret: string
  apiUrl: string
  tokenUrl: string
  /** The seller's taxpayer id (userTax header, salerTaxNum). */
  sellerTaxpayerId: string
  sellerName: string
  sellerAddress: string
  sellerPhone: string
  /** 开票员 printed on the invoice. */
  clerk: string
  /** 发票种类: pc = 数电普票 (default), bs = 数电专票. */
  invoiceLine: string
  /** Our callback URL for results. */
  callbackUrl: string
}

/**
 * Where the access token lives. Nuonuo lets an app fetch a token only so often (about 50 times in
 * 30 days), so a deployment keeps one token for all its instances (the server's store is a database
 * row, modules/invoices/provider-token.adapter.ts) and refreshes it ahead of expiry, once.
 */
export interface AccessTokenStore {
  /** The token in force; calls `fetchNew` (at most one caller at a time) when there is none or it is about to expire. */
  get(fetchNew: () => Promise<{ value: string; expiresAt: number }>): Promise<string>
}

/** A token kept in this process only: for tools and tests without a database. */
export function processTokenStore(now: () => number = Date.now): AccessTokenStore {
  let token: { value: string; expiresAt: number } | null = null
  let fetching: Promise<{ value: string; expiresAt: number }> | null = null
  return {
    async get(fetchNew) {
      if (token && token.expiresAt > now() + 60_000) return token.value
      fetching ??= fetchNew().finally(() => (fetching = null))
      token = await fetching
      return token.value
    },
  }
}

export interface NuonuoDeps {
  fetch?: typeof fetch
  now?: () => number
  timeoutMs?: number
  tokenStore?: AccessTokenStore
}

interface NuonuoAnswer {
  code?: unknown
  describe?: unknown
  result?: unknown
}

/** Nuonuo's statuses in queryInvoiceResult: 2 done; 20/21 issuing or signing; 22/24 failed. */
const ISSUED = new Set(['2'])
const FAILED = new Set(['22', '24'])
/** 红字确认单 states: refused by Nuonuo (16) or voided at the bureau (05–09), with what to show. */
const RED_FORM_FAILED = new Map([
  ['16', '红字确认单申请失败'],
  ['05', '红字确认单已作废（销方录入购方否认）'],
  ['06', '红字确认单已作废（购方录入销方否认）'],
  ['07', '红字确认单已作废（超72小时未确认）'],
  ['08', '红字确认单已作废（发起方已撤销）'],
  ['09', '红字确认单已作废（确认后撤销）'],
])
/** 01 无需确认, 04 购销双方已确认: the bureau issues the red invoice. */
const RED_FORM_CONFIRMED = new Set(['01', '04'])

function shanghaiDateTime(at: number): string {
  const d = new Date(at + 8 * 3600_000).toISOString()
  return `${d.slice(0, 10)} ${d.slice(11, 19)}`
}

function rate(basisPoints: number): string {
  return String(basisPoints / 10_000)
}

export function createNuonuoProvider(settings: NuonuoSettings, deps: NuonuoDeps = {}): InvoiceProvider {
  const doFetch = deps.fetch ?? fetch
  const now = deps.now ?? Date.now
  const timeoutMs = deps.timeoutMs ?? TIMEOUT_MS
  const tokens = deps.tokenStore ?? processTokenStore(now)

  async function post(url: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      // fetch's own message is only "fetch failed"; the socket's code (ECONNRESET, ECONNREFUSED…) tells the operator which.
      const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined
      throw new InvoiceProviderError(timedOut ? 'Nuonuo did not answer in time' : `Nuonuo unreachable${typeof code === 'string' ? ` (${code})` : ''}`, true)
    }
  }

  async function fetchToken(): Promise<{ value: string; expiresAt: number }> {
    const form = new URLSearchParams({ client_id: settings.appKey, client_secret: settings.appSecret, grant_type: 'client_credentials' })
    const res = await post(settings.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() })
    const answer = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown; error?: unknown } | null
    if (!res.ok || typeof answer?.access_token !== 'string') {
      throw new InvoiceProviderError(`Nuonuo access token refused (${res.status})`, res.status >= 500, typeof answer?.error === 'string' ? answer.error : undefined)
    }
    const seconds = typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in ?? 86_400)
    return { value: answer.access_token, expiresAt: now() + (Number.isFinite(seconds) ? seconds : 86_400) * 1000 }
  }

  function accessToken(): Promise<string> {
    return tokens.get(fetchToken)
  }

  /** One signed call; answers `result` of an E0000 answer, else throws. */
  async function call(method: string, content: unknown): Promise<unknown> {
    const body = JSON.stringify(content)
    const { senid, nonce } = nuonuoRequestIds()
    const timestamp = String(Math.floor(now() / 1000))
    const url = new URL(settings.apiUrl)
    const sign = nuonuoSignature({ servicePath: url.pathname, appKey: settings.appKey, appSecret: settings.appSecret, senid, nonce, timestamp, body })
    url.search = new URLSearchParams({ senid, nonce, timestamp, appkey: settings.appKey }).toString()
    const res = await post(url.toString(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Nuonuo-Sign': sign,
        accessToken: await accessToken(),
        userTax: settings.sellerTaxpayerId,
        method,
      },
      body,
    })
    if (res.status >= 500 || res.status === 429) throw new InvoiceProviderError(`Nuonuo answered HTTP ${res.status}`, true)
    const answer = (await res.json().catch(() => null)) as NuonuoAnswer | null
    if (!answer || typeof answer.code !== 'string') throw new InvoiceProviderError(`Nuonuo answered HTTP ${res.status} without a result`, true)
    if (answer.code !== 'E0000') {
      const describe = typeof answer.describe === 'string' ? answer.describe : answer.code
      throw new InvoiceProviderError(describe, false, answer.code)
    }
    return answer.result
  }

  function issueContent(request: InvoiceDocumentRequest) {
    const net = request.amountFen - request.taxFen
    return {
      order: {
        buyerName: request.buyer.name,
        buyerTaxNum: request.buyer.taxpayerId ?? '',
        // 购买方自然人标志 (数电普票 only): a personal title is a natural person. Without it, with
        // 购方名称校验 on, a 数电普票 to a buyer name of ≤ 4 characters (most personal names) is refused.
        naturalPersonFlag: request.buyer.titleType === 'personal' && settings.invoiceLine === 'pc' ? '1' : '0',
        email: request.buyer.email,
        salerTaxNum: settings.sellerTaxpayerId,
        salerTel: settings.sellerPhone,
        salerAddress: settings.sellerAddress,
        orderNo: request.idempotencyKey,
        invoiceDate: shanghaiDateTime(request.requestedAt.getTime()),
        clerk: settings.clerk,
        // We e-mail the PDF ourselves (mail interface): Nuonuo pushes nothing.
        pushMode: '-1',
        invoiceType: '1',
        invoiceLine: settings.invoiceLine,
        callBackUrl: settings.callbackUrl,
        invoiceDetail: [
          {
            goodsName: request.item.name,
            goodsCode: request.item.taxCode,
            withTaxFlag: '1',
            num: '1',
            price: formatFen(request.amountFen),
            taxRate: rate(request.item.taxRateBasisPoints),
            tax: formatFen(request.taxFen),
            taxExcludedAmount: formatFen(net),
            taxIncludedAmount: formatFen(request.amountFen),
            invoiceLineProperty: '0',
          },
        ],
      },
    }
  }

  function redContent(request: InvoiceDocumentRequest) {
    if (!request.reverses) throw new InvoiceProviderError('red-letter request without the blue invoice', false)
    return {
      // 红字确认单申请号, and the red invoice's own order number once it is issued: the result is
      // then looked up by orderNos like a blue one.
      billId: request.idempotencyKey,
      orderNo: request.idempotencyKey,
      blueInvoiceLine: settings.invoiceLine,
      applySource: '0',
      blueElecInvoiceNumber: request.reverses.number,
      sellerTaxNo: settings.sellerTaxpayerId,
      sellerName: settings.sellerName,
      buyerName: request.buyer.name,
      buyerTaxNo: request.buyer.taxpayerId ?? '',
      // 冲红原因 (Nuonuo's table): 1 销货退回 (a refund), 2 开票有误 (a modification).
      redReason: request.redReason === 'refund' ? '1' : '2',
      autoInvoice: '1',
      email: request.buyer.email,
      callbackUrl: settings.callbackUrl,
    }
  }

  /**
   * A red-letter request with no invoice under its orderNo yet: look at its 红字确认单. Refused or
   * voided forms fail the request; a form that needs no confirmation (01) or is confirmed by both
   * sides (04) has its red invoice issued by the bureau, and fastInvoiceRed makes Nuonuo fetch it
   * when it has not appeared locally.
   */
  async function redFormResult(idempotencyKey: string): Promise<InvoiceResult> {
    const found = (await call('nuonuo.OpeMplatform.queryInvoiceRedConfirm', { identity: '0', billId: idempotencyKey })) as { list?: unknown } | null
    const form = Array.isArray(found?.list) ? (found.list[0] as Record<string, unknown> | undefined) : undefined
    if (!form) return { state: 'processing' }
    const status = String(form.billStatus ?? '')
    if (RED_FORM_FAILED.has(status)) return { state: 'failed', reason: String(form.billMessage || RED_FORM_FAILED.get(status)) }
    if (RED_FORM_CONFIRMED.has(status) && typeof form.billNo === 'string' && form.billNo !== '') {
      try {
        await call('nuonuo.OpeMplatform.fastInvoiceRed', {
          orderNo: idempotencyKey,
          taxNum: settings.sellerTaxpayerId,
          elecInvoiceNumber: String(form.blueElecInvoiceNumber ?? form.blueInvoiceNumber ?? ''),
          billNo: form.billNo,
          billUuid: String(form.billUuid ?? ''),
          invoiceLine: settings.invoiceLine,
          callBackUrl: settings.callbackUrl,
        })
      } catch (error) {
        // Already asked (a repeated orderNo): the red invoice is on its way.
        if (!(error instanceof InvoiceProviderError) || error.transient || !/重复|已存在|开票中/.test(error.reason)) throw error
      }
    }
    return { state: 'processing' }
  }

  async function queryOne(idempotencyKey: string): Promise<Record<string, unknown> | null> {
    const result = await call('nuonuo.OpeMplatform.queryInvoiceResult', { orderNos: [idempotencyKey], isOfferInvoiceDetail: '0' })
    const rows = Array.isArray(result) ? (result as Record<string, unknown>[]) : []
    return rows.find((row) => row.orderNo === idempotencyKey) ?? null
  }

  return {
    name: 'nuonuo',
    async submit(request) {
      try {
        if (request.kind === 'blue') {
          const result = (await call('nuonuo.OpeMplatform.requestBillingNew', issueContent(request))) as { invoiceSerialNum?: unknown } | null
          return { providerRef: typeof result?.invoiceSerialNum === 'string' ? result.invoiceSerialNum : null }
        }
        // Nuonuo's table gives `result` as the 红字确认单申请号 itself (a string).
        const result = (await call('nuonuo.OpeMplatform.saveInvoiceRedConfirm', redContent(request))) as unknown
        const billId = typeof result === 'string' ? result : (result as { billId?: unknown } | null)?.billId
        return { providerRef: typeof billId === 'string' ? billId : null }
      } catch (error) {
        // A retry after a lost answer: Nuonuo already has this orderNo, so it was accepted before.
        if (error instanceof InvoiceProviderError && !error.transient && /重复|已存在/.test(error.reason)) return { providerRef: null }
        throw error
      }
    },
    async query(idempotencyKey, _providerRef, kind): Promise<InvoiceResult> {
      const row = await queryOne(idempotencyKey)
      if (!row) return kind === 'red' ? redFormResult(idempotencyKey) : { state: 'processing' }
      const status = String(row.status ?? '')
      if (ISSUED.has(status)) {
        const number = String(row.allElectronicInvoiceNumber || row.invoiceNo || '')
        if (!number) return { state: 'processing' }
        const time = Number(row.invoiceTime)
        return { state: 'issued', number, issuedAt: new Date(Number.isFinite(time) && time > 0 ? time : now()) }
      }
      if (FAILED.has(status)) return { state: 'failed', reason: String(row.failCause || row.statusMsg || '开票失败') }
      return { state: 'processing' }
    },
    async fetchDocument(document) {
      const row = await queryOne(document.request.idempotencyKey)
      const pdfUrl = typeof row?.pdfUrl === 'string' ? row.pdfUrl : ''
      if (!pdfUrl) throw new InvoiceProviderError('Nuonuo has no PDF for this invoice yet', true)
      const res = await post(pdfUrl, { method: 'GET' })
      const bytes = new Uint8Array(await res.arrayBuffer())
      if (!res.ok || Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') {
        throw new InvoiceProviderError(`Nuonuo PDF download failed (${res.status})`, true)
      }
      return bytes
    },
    parseCallback(body, contentType) {
      // Nuonuo posts a form: operater=callback, orderno (our order number) and content (JSON, whose
      // c_orderno is the order number again). Only the number is taken; we then ask Nuonuo.
      const json = (contentType ?? '').includes('application/json')
      const form = json ? null : new URLSearchParams(body)
      let content: unknown
      try {
        content = JSON.parse(json ? body : (form?.get('content') ?? ''))
      } catch {
        content = null
      }
      const fromContent = (content as { c_orderno?: unknown; orderNo?: unknown } | null)?.c_orderno ?? (content as { orderNo?: unknown } | null)?.orderNo
      const key = fromContent ?? form?.get('orderno') ?? undefined
      return typeof key === 'string' && /^[0-9A-Za-z]{1,40}$/.test(key) ? { idempotencyKey: key } : null
    },
  }
}
