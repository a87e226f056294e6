// Test and development helpers under /dev. These are not WeChat endpoints: they stand in for the
// WeChat client (cashier, wx.config check) and expose the simulator's switches and records.
import type { FastifyInstance } from 'fastify'
import { jsonObjectOf } from './body.ts'
import { runCashier } from './cashier.ts'
import type { SimContext } from './context.ts'
import { FAULT_NAMES, isFaultName, type FaultTarget } from './faults.ts'
import { jssdkSignature, signatureHints } from './jssdk.ts'
import { selfMenuInfo } from './menu.ts'

/** choose_invoice_title_info as WeChat gives it: type "0" 单位, "1" 个人; taxNumber for units. */
const SIMULATED_INVOICE_TITLES = [
  { type: '0', title: '重庆某某建筑设计研究院有限公司', taxNumber: '91110000802100433B', companyAddress: '重庆市渝北区某某路1号', telephone: '023-00000000', bankName: '某某银行重庆分行', bankAccount: '6222000000000000' },
  { type: '0', title: '重庆某某工程咨询有限公司', taxNumber: '91500000202802340W', companyAddress: '', telephone: '', bankName: '', bankAccount: '' },
  { type: '1', title: '张三', taxNumber: '', companyAddress: '', telephone: '', bankName: '', bankAccount: '' },
]

export function devRoutes(ctx: SimContext) {
  return async (app: FastifyInstance) => {
    app.post('/pay', async (request, reply) => {
      const result = runCashier(ctx, jsonObjectOf(request.body) ?? {})
      return reply.code(result.status).send(result.body)
    })

    // Accepts an explicit jsapi_ticket for known-answer checks; otherwise the AppID's current and
    // previous tickets are tried, as a page signed just before a ticket rotation still works.
    app.post('/jssdk/verify', async (request, reply) => {
      const body = jsonObjectOf(request.body) ?? {}
      const { url, timestamp, signature } = body
      const noncestr = body.noncestr ?? body.nonceStr
      const ts = typeof timestamp === 'number' ? String(timestamp) : timestamp
      if (typeof url !== 'string' || typeof noncestr !== 'string' || typeof ts !== 'string' || typeof signature !== 'string') {
        return reply.code(400).send({ error: 'url、noncestr、timestamp、signature 均为必填字符串' })
      }
      const candidates = typeof body.jsapi_ticket === 'string'
        ? [{ ticket: body.jsapi_ticket, which: 'given' as const }]
        : ctx.creds.validTickets(ctx.config.appId)
      const hit = candidates.find((c) => jssdkSignature(c.ticket, noncestr, ts, url) === signature)
      if (hit) return { valid: true, matched: hit.which }
      const hints = signatureHints(url)
      if (candidates.length === 0) hints.push('当前没有有效的 jsapi_ticket')
      return { valid: false, matched: null, errMsg: 'config:fail, invalid signature', hints }
    })

    // Stand-in for the WeChat client's saved invoice titles (JS-SDK chooseInvoiceTitle): the page's
    // simulated bridge lists these and hands back the chosen one in WeChat's own format.
    app.get('/invoice-titles', async () => ({ titles: SIMULATED_INVOICE_TITLES }))

    app.get('/faults', async () => ({ faults: ctx.faults.list(), names: FAULT_NAMES }))

    // Body: {name, value?, sticky?, target?} to set one fault, or {clear: true | name}.
    app.post('/faults', async (request, reply) => {
      const body = jsonObjectOf(request.body) ?? {}
      if (body.clear !== undefined) {
        if (body.clear === true) ctx.faults.clear()
        else if (isFaultName(body.clear)) ctx.faults.clear(body.clear)
        else return reply.code(400).send({ error: 'clear 必须为 true 或故障名称' })
        return { faults: ctx.faults.list() }
      }
      const { name, value, sticky, target } = body
      if (!isFaultName(name)) return reply.code(400).send({ error: `name 必须为 ${FAULT_NAMES.join('、')} 之一` })
      if (value !== undefined && value !== true && (typeof value !== 'number' || !Number.isFinite(value))) {
        return reply.code(400).send({ error: 'value 必须为数字或 true' })
      }
      if (target !== undefined && target !== 'response' && target !== 'notification') {
        return reply.code(400).send({ error: 'target 必须为 response 或 notification' })
      }
      ctx.faults.set(name, value ?? true, { sticky: sticky === true, ...(target ? { target: target as FaultTarget } : {}) })
      return { faults: ctx.faults.list() }
    })

    app.get('/users', async () => ({
      users: ctx.state.usersByRecency().map((u) => ({ id: u.id, nickname: u.nickname, openid: u.openids[ctx.config.appId] ?? null, createdAt: u.createdAt })),
    }))

    app.get('/menu', async () => ({ menu: ctx.state.menu ?? null, selfmenu: selfMenuInfo(ctx.state.menu) }))

    app.get('/notifications', async () => ({ deliveries: ctx.notifier.deliveries() }))
  }
}
