import type { WechatApiSettings, WechatCallOptions } from './settings.ts'
import { WechatBadResponseError, WechatNetworkError } from './errors.ts'
import { buildQueryUrl } from './api-request.ts'

/**
 * The Official Account's message APIs: 模板消息 (`message/template/send`), 订阅通知
 * (`message/subscribe/bizsend`), 客服消息 (`message/custom/send`) and the template lists. Unlike
 * callWechatApi, a non-zero errcode is returned, not thrown: the caller decides per code whether to
 * retry, pause or drop (docs/wechat-protocol.md §8). `msgid` is read from the raw body as a string,
 * because real msgids have 19 digits and JSON.parse would round them.
 */

export interface SendAnswer {
  errcode: number
  errmsg: string
  /** Exactly as WeChat wrote it; null when absent. */
  msgid: string | null
}

const TIMEOUT_MS = 5_000

async function post(endpoint: string, url: string, body: unknown, options: WechatCallOptions): Promise<{ json: Record<string, unknown>; raw: string }> {
  const doFetch = options.fetch ?? fetch
  let raw: string
  let status: number
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
    })
    status = response.status
    raw = await response.text()
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    throw new WechatNetworkError(endpoint, timedOut ? 'timeout' : 'network', undefined, { cause: error })
  }
  if (status !== 200) throw new WechatNetworkError(endpoint, 'http_status', status)
  return { json: parseObject(endpoint, raw), raw }
}

async function get(endpoint: string, url: string, options: WechatCallOptions): Promise<Record<string, unknown>> {
  const doFetch = options.fetch ?? fetch
  let raw: string
  let status: number
  try {
    const response = await doFetch(url, { method: 'GET', headers: { Accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS) })
    status = response.status
    raw = await response.text()
  } catch (error) {
    throw new WechatNetworkError(endpoint, 'network', undefined, { cause: error })
  }
  if (status !== 200) throw new WechatNetworkError(endpoint, 'http_status', status)
  return parseObject(endpoint, raw)
}

function parseObject(endpoint: string, raw: string): Record<string, unknown> {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new WechatBadResponseError(endpoint, 'body is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new WechatBadResponseError(endpoint, 'body is not a JSON object')
  return json as Record<string, unknown>
}

function answer(json: Record<string, unknown>, raw: string): SendAnswer {
  const errcode = json.errcode === undefined ? 0 : Number(json.errcode)
  const msgid = /"msgid"\s*:\s*"?(\d+)"?/.exec(raw)?.[1] ?? null
  return { errcode: Number.isInteger(errcode) ? errcode : -1, errmsg: typeof json.errmsg === 'string' ? json.errmsg : '', msgid }
}

const url = (settings: WechatApiSettings, path: string, token: string) => buildQueryUrl(settings.apiBase, path, [['access_token', token]])

export interface TemplateMessage {
  touser: string
  template_id: string
  url?: string
  /** De-duplication key: WeChat sends one message per openid and key within 10 minutes. */
  client_msg_id?: string
  data: Record<string, { value: string }>
}

export async function sendTemplateMessage(settings: WechatApiSettings, token: string, message: TemplateMessage, options: WechatCallOptions = {}): Promise<SendAnswer> {
  const { json, raw } = await post('cgi-bin/message/template/send', url(settings, '/cgi-bin/message/template/send', token), message, options)
  return answer(json, raw)
}

export interface SubscribeMessage {
  touser: string
  template_id: string
  /** For a service account: the web page opened on tap. */
  page?: string
  data: Record<string, { value: string }>
}

export async function sendSubscribeMessage(settings: WechatApiSettings, token: string, message: SubscribeMessage, options: WechatCallOptions = {}): Promise<SendAnswer> {
  const { json, raw } = await post('cgi-bin/message/subscribe/bizsend', url(settings, '/cgi-bin/message/subscribe/bizsend', token), message, options)
  return answer(json, raw)
}

export async function sendCustomText(settings: WechatApiSettings, token: string, touser: string, content: string, options: WechatCallOptions = {}): Promise<SendAnswer> {
  const { json, raw } = await post('cgi-bin/message/custom/send', url(settings, '/cgi-bin/message/custom/send', token), { touser, msgtype: 'text', text: { content } }, options)
  return answer(json, raw)
}

export interface AccountTemplate {
  templateId: string
  title: string
  /** The data keys in its content (`{{thing1.DATA}}` → thing1). */
  keys: string[]
}

function keysOf(content: string): string[] {
  return [...content.matchAll(/\{\{(\w+)\.DATA\}\}/g)].map((m) => m[1] as string)
}

function errorOf(endpoint: string, json: Record<string, unknown>): void {
  if (json.errcode !== undefined && Number(json.errcode) !== 0) throw new WechatBadResponseError(endpoint, `errcode ${String(json.errcode)}`)
}

/** 模板消息 templates of the account (`template/get_all_private_template`). */
export async function listTemplateMessageTemplates(settings: WechatApiSettings, token: string, options: WechatCallOptions = {}): Promise<AccountTemplate[]> {
  const endpoint = 'cgi-bin/template/get_all_private_template'
  const json = await get(endpoint, url(settings, '/cgi-bin/template/get_all_private_template', token), options)
  errorOf(endpoint, json)
  const list = Array.isArray(json.template_list) ? (json.template_list as Record<string, unknown>[]) : []
  return list.map((t) => ({ templateId: String(t.template_id), title: String(t.title ?? ''), keys: keysOf(String(t.content ?? '')) }))
}

/** 订阅通知 templates of the account (`/wxaapi/newtmpl/gettemplate`). */
export async function listSubscribeTemplates(settings: WechatApiSettings, token: string, options: WechatCallOptions = {}): Promise<AccountTemplate[]> {
  const endpoint = 'wxaapi/newtmpl/gettemplate'
  const json = await get(endpoint, url(settings, '/wxaapi/newtmpl/gettemplate', token), options)
  errorOf(endpoint, json)
  const list = Array.isArray(json.data) ? (json.data as Record<string, unknown>[]) : []
  return list.map((t) => ({ templateId: String(t.priTmplId), title: String(t.title ?? ''), keys: keysOf(String(t.content ?? '')) }))
}
