import type { FastifyInstance, FastifyReply } from 'fastify'
import { randomBytes } from 'node:crypto'
import type { AppDb } from '../../db/client.ts'
import {
  decryptPush,
  encryptPush,
  encryptedReplyXml,
  parsePushXml,
  pushSignature,
  signatureMatches,
  textReplyXml,
} from '../../integrations/wechat/server-push.ts'
import { SubscribeTemplatesSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import type { NoticesConfig } from './notices.config.ts'
import { handlePush } from './notices.service.ts'

/**
 * Our server URL (服务器配置 → URL: `<public base>/api/notices/wechat-server`): WeChat's GET check
 * answers echostr; POSTs are verified (signature, and msg_signature in safe mode), decrypted in safe
 * mode, handled, and answered within WeChat's five seconds with `success` or a passive reply
 * (encrypted in safe mode). Anything that fails verification gets 401 and is not handled. Also the
 * 订阅通知 template ids the H5 puts in wx-open-subscribe.
 *
 * @see docs/wechat-protocol.md §8.3 (passive reply), §8.4 (signature, safe mode)
 */
export function serverUrlRoutes(deps: { db: AppDb; config: NoticesConfig; appId: () => string; now: () => Date }) {
  return async (app: FastifyInstance) => {
    app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body))

    const refuse = (reply: FastifyReply) => reply.code(401).type('text/plain').send('signature mismatch')

    app.get(
      '/notices/subscribe-templates',
      { schema: { tags: ['notices'], summary: '订阅通知模板（供 H5 的 wx-open-subscribe 使用）', response: withErrors({ 200: SubscribeTemplatesSchema }) } },
      async () => {
        const reminder = deps.config.templates.deadline_reminder
        return { deadlineReminder: reminder.channel === 'subscribe' ? reminder.templateId : null }
      },
    )

    app.get('/notices/wechat-server', { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, string | undefined>
      const expected = pushSignature(deps.config.serverToken, q.timestamp ?? '', q.nonce ?? '')
      if (!q.echostr || !signatureMatches(expected, q.signature)) return refuse(reply)
      return reply.type('text/plain').send(q.echostr)
    })

    app.post('/notices/wechat-server', { schema: { hide: true } }, async (request, reply) => {
      const q = request.query as Record<string, string | undefined>
      const timestamp = q.timestamp ?? ''
      const nonce = q.nonce ?? ''
      if (!signatureMatches(pushSignature(deps.config.serverToken, timestamp, nonce), q.signature)) return refuse(reply)
      const raw = typeof request.body === 'string' ? request.body : ''
      const safe = q.encrypt_type === 'aes'
      let xml = raw
      if (safe) {
        const key = deps.config.encodingAesKey
        const encrypted = parsePushXml(raw).fields.Encrypt
        if (!key || !encrypted || !signatureMatches(pushSignature(deps.config.serverToken, timestamp, nonce, encrypted), q.msg_signature)) return refuse(reply)
        try {
          xml = decryptPush(key, deps.appId(), encrypted)
        } catch {
          return refuse(reply)
        }
      }
      const push = parsePushXml(xml)
      const text = await handlePush(deps.db, push, deps.now())
      if (text === null) return reply.type('text/plain').send('success')
      const replyXml = textReplyXml(push.fields.FromUserName ?? '', push.fields.ToUserName ?? '', text, Math.floor(deps.now().getTime() / 1000))
      if (!safe || !deps.config.encodingAesKey) return reply.type('application/xml').send(replyXml)
      const ts = String(Math.floor(deps.now().getTime() / 1000))
      const replyNonce = randomBytes(8).toString('hex')
      return reply.type('application/xml').send(encryptedReplyXml(deps.config.serverToken, encryptPush(deps.config.encodingAesKey, deps.appId(), replyXml), ts, replyNonce))
    })
  }
}
