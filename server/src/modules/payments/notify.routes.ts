import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { parseWechatPayNotification } from '../../integrations/wechat/pay/notification.ts'
import { WechatPayNotificationError } from '../../integrations/wechat/pay/errors.ts'
import type { WechatPayRefund, WechatPayTransaction } from '../../integrations/wechat/pay/types.ts'
import { paymentNotifications } from '../../db/schema.ts'
import { settlePaid, settleRefund } from './settlement.ts'
import type { PaymentDeps } from './payments.service.ts'

export interface NotifyRoutesOptions {
  deps: PaymentDeps
  now: () => Date
}

const FAIL = { code: 'FAIL', message: '失败' }

function refuse(reply: FastifyReply, status: number) {
  return reply.code(status).send(FAIL)
}

/**
 * WeChat Pay notifications (PAY-3, PAY-4). The signature is verified on the raw body bytes before
 * anything is parsed (wechat-protocol.md §5.1), so this plugin keeps its own raw-body parser. No
 * session auth, CSRF or rate limit applies here: WeChat would just retry until it gives up.
 */
const notifyRoutes: FastifyPluginAsync<NotifyRoutesOptions> = async (app, { deps, now }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body))

  async function receive(rawBody: unknown, headers: Record<string, string | string[] | undefined>, reply: FastifyReply, expect: 'transaction' | 'refund') {
    if (typeof rawBody !== 'string') return refuse(reply, 400)
    let notification
    try {
      notification = parseWechatPayNotification(rawBody, headers, deps.wechat, now().getTime())
    } catch (error) {
      const reason = error instanceof WechatPayNotificationError ? error.reason : 'unknown'
      // Probes (WECHATPAY/SIGNTEST/…) and forgeries are refused with 4xx; WeChat re-sends real ones.
      deps.log.warn({ reason }, 'WeChat Pay notification refused')
      return refuse(reply, reason === 'decrypt_failed' ? 500 : 401)
    }
    const at = now()
    if (expect === 'transaction' && notification.eventType === 'TRANSACTION.SUCCESS') {
      const trade = notification.resource as WechatPayTransaction
      if (typeof trade?.out_trade_no !== 'string') return refuse(reply, 400)
      const outcome = await settlePaid(deps.db, deps.wechat, trade, at)
      await record(notification.id, notification.eventType, trade.out_trade_no, outcome.kind === 'rejected' ? `rejected:${outcome.reason}` : outcome.kind, at)
      if (outcome.kind === 'rejected') {
        if (outcome.reason === 'paid_after_close') {
          // Money arrived for an order we had closed: acknowledge (WeChat cannot undo it) and flag it for a refund by staff.
          deps.log.error({ outTradeNo: trade.out_trade_no }, 'payment received for a closed order: refund needed')
          return reply.code(204).send()
        }
        deps.log.error({ outTradeNo: trade.out_trade_no, reason: outcome.reason }, 'payment notification failed our checks')
        return refuse(reply, 400)
      }
      return reply.code(204).send()
    }
    if (expect === 'refund' && notification.eventType.startsWith('REFUND.')) {
      const refund = notification.resource as WechatPayRefund & { refund_status?: string; mchid?: string }
      if (typeof refund?.out_refund_no !== 'string') return refuse(reply, 400)
      const outcome = await settleRefund(deps.db, deps.wechat, { ...refund, status: refund.refund_status ?? refund.status }, at)
      await record(notification.id, notification.eventType, refund.out_trade_no, outcome.kind === 'rejected' ? `rejected:${outcome.reason}` : outcome.kind, at)
      if (outcome.kind === 'rejected' && outcome.reason !== 'not_success') {
        deps.log.error({ outRefundNo: refund.out_refund_no, reason: outcome.reason }, 'refund notification failed our checks')
        return refuse(reply, 400)
      }
      return reply.code(204).send()
    }
    await record(notification.id, notification.eventType, null, 'ignored', at)
    return reply.code(204).send()
  }

  async function record(id: string, eventType: string, outTradeNo: string | null, outcome: string, at: Date) {
    await deps.db.insert(paymentNotifications).values({ id, eventType, outTradeNo, outcome, receivedAt: at }).onConflictDoNothing()
  }

  const schema = { hide: true }
  app.post('/wechat/notify', { schema }, async (request, reply) => receive(request.body, request.headers, reply, 'transaction'))
  app.post('/wechat/refund-notify', { schema }, async (request, reply) => receive(request.body, request.headers, reply, 'refund'))
}
export default notifyRoutes
