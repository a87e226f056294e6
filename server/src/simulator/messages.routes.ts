// Message endpoints under /api (§8.1–8.3, §8.2.6): template/send, subscribe/bizsend, custom/send and
// the template lists, each checking the access token first.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { apiError, queryParam } from './api-reply.ts'
import { RawBody } from './body.ts'
import type { SimContext } from './context.ts'
import type { MessageState, SimAnswer } from './messages.ts'
import { popupEventXml, pushToServer, textMessageXml, type ServerUrl } from './messages-push.ts'
import { withRid } from './util.ts'

export function messageRoutes(ctx: SimContext, messages: MessageState) {
  return async (app: FastifyInstance) => {
    const withBody = (handle: (body: Record<string, unknown>) => SimAnswer) => async (request: FastifyRequest, reply: FastifyReply) => {
      const token = ctx.creds.checkBasicToken(queryParam(request, 'access_token') ?? '')
      if (!token.ok) return apiError(reply, token.errcode, token.errmsg)
      const body = request.body instanceof RawBody ? request.body : undefined
      if (!body || body.raw.length === 0) return apiError(reply, 44002, 'empty post data')
      if (!body.jsonOk || typeof body.json !== 'object' || body.json === null || Array.isArray(body.json)) return apiError(reply, 47001, 'data format error')
      const answer = handle(body.json as Record<string, unknown>)
      if (answer.errcode !== 0) return apiError(reply, answer.errcode, answer.errmsg)
      // The msgid is written as a bare 19-digit number, as WeChat does: a client using JSON.parse loses digits.
      const text = answer.msgid ? `{"errcode":0,"errmsg":"ok","msgid":${answer.msgid}}` : '{"errcode":0,"errmsg":"ok"}'
      return reply.code(200).type('application/json').send(text)
    }
    app.post('/cgi-bin/message/template/send', withBody((b) => messages.templateSend(b)))
    app.post('/cgi-bin/message/subscribe/bizsend', withBody((b) => messages.bizsend(b)))
    app.post('/cgi-bin/message/custom/send', withBody((b) => messages.customSend(b)))

    app.get('/cgi-bin/template/get_all_private_template', async (request, reply) => {
      const token = ctx.creds.checkBasicToken(queryParam(request, 'access_token') ?? '')
      if (!token.ok) return apiError(reply, token.errcode, token.errmsg)
      return {
        template_list: messages.templates
          .filter((t) => t.kind === 'template')
          .map((t) => ({ template_id: t.id, title: t.title, primary_industry: '教育', deputy_industry: '培训', content: t.content, example: '' })),
      }
    })
    app.get('/wxaapi/newtmpl/gettemplate', async (request, reply) => {
      const token = ctx.creds.checkBasicToken(queryParam(request, 'access_token') ?? '')
      if (!token.ok) return apiError(reply, token.errcode, token.errmsg)
      return {
        errcode: 0,
        errmsg: withRid('ok'),
        data: messages.templates.filter((t) => t.kind === 'subscribe').map((t) => ({ priTmplId: t.id, title: t.title, content: t.content, example: '', type: 2 })),
      }
    })
  }
}

/**
 * /dev/messages: stands in for the learner's WeChat client (follow, unfollow, accept or refuse a
 * subscription, write to the account) and lists what was "delivered", like the SMS dev outbox.
 */
export function messageDevRoutes(messages: MessageState, push: { appId: string; target: () => ServerUrl | null; now: () => number }) {
  return async (app: FastifyInstance) => {
    /** Pushes to the server URL when one is configured; what it answered (null: not configured or no answer). */
    const toServer = async (xml: string) => {
      const target = push.target()
      return target ? pushToServer(target, push.appId, xml, push.now()) : null
    }
    const field = (request: FastifyRequest, name: string): string | undefined => {
      const body = request.body instanceof RawBody ? request.body.json : request.body
      const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
      return typeof value === 'string' ? value : undefined
    }
    app.get('/', async (request) => {
      const openid = queryParam(request, 'openid')
      return { delivered: messages.delivered.filter((d) => !openid || d.openid === openid) }
    })
    app.post('/follow', async (request, reply) => {
      const openid = field(request, 'openid')
      if (!openid) return reply.code(400).send({ error: 'openid 必填' })
      messages.known.add(openid)
      if (field(request, 'follow') === 'no') messages.follows.delete(openid)
      else messages.follows.add(openid)
      return { ok: true }
    })
    app.post('/subscribe', async (request, reply) => {
      const openid = field(request, 'openid')
      const templateId = field(request, 'templateId')
      if (!openid || !templateId) return reply.code(400).send({ error: 'openid、templateId 必填' })
      const key = `${openid}|${templateId}`
      messages.known.add(openid)
      const status = field(request, 'status') === 'reject' ? 'reject' : 'accept'
      if (status === 'reject') messages.subscriptions.set(key, 0)
      else messages.subscriptions.set(key, (messages.subscriptions.get(key) ?? 0) + 1)
      // The learner answered wx-open-subscribe's popup (or refused later, event=change): WeChat tells the server.
      const event = field(request, 'event') === 'change' ? 'subscribe_msg_change_event' : 'subscribe_msg_popup_event'
      const answer = await toServer(popupEventXml(openid, templateId, status, push.now(), event))
      return { ok: true, pushed: answer !== null }
    })
    app.post('/quota', async (request) => {
      const daily = Number(field(request, 'daily'))
      const minute = Number(field(request, 'minute'))
      if (Number.isFinite(daily) && daily >= 0) messages.dailyLimit = daily
      if (Number.isFinite(minute) && minute >= 0) messages.minuteLimit = minute
      return { dailyLimit: messages.dailyLimit, minuteLimit: messages.minuteLimit }
    })
    app.post('/user-message', async (request, reply) => {
      const openid = field(request, 'openid')
      if (!openid) return reply.code(400).send({ error: 'openid 必填' })
      messages.known.add(openid)
      messages.userMessaged(openid)
      const content = field(request, 'content')
      // A learner writing to the Official Account: pushed to the server URL; its passive reply comes back.
      const answered = content ? await toServer(textMessageXml(openid, content, `${push.now()}${Math.floor(Math.random() * 1000)}`, push.now())) : null
      return { ok: true, reply: answered }
    })
  }
}
