import type { FastifyPluginAsync } from 'fastify'
import { receiveNotification, type NotificationKind } from './notifications.service.ts'
import { NOTIFY_PATH, REFUND_NOTIFY_PATH } from './payments.paths.ts'
import type { PaymentDeps } from './payments.service.ts'

export interface NotifyRoutesOptions {
  deps: PaymentDeps
  now: () => Date
}

/** WeChat Pay's refusal body; success is an empty 204. */
const FAIL = { code: 'FAIL', message: '失败' }

/**
 * WeChat Pay notifications, registered at their full paths (payments.paths.ts). The signature
 * covers the raw body bytes, so this plugin keeps its own raw-body parser. No session auth, CSRF
 * or rate limit applies here: WeChat would just retry until it gives up.
 */
const notifyRoutes: FastifyPluginAsync<NotifyRoutesOptions> = async (app, { deps, now }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body))

  const route = (path: string, kind: NotificationKind) =>
    app.post(path, { schema: { hide: true } }, async (request, reply) => {
      if (typeof request.body !== 'string') return reply.code(400).send(FAIL)
      const status = await receiveNotification(deps, kind, request.body, request.headers, now())
      return status === 204 ? reply.code(204).send() : reply.code(status).send(FAIL)
    })
  route(NOTIFY_PATH, 'transaction')
  route(REFUND_NOTIFY_PATH, 'refund')
}
export default notifyRoutes
