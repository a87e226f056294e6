import { parseWechatPayNotification } from '../../integrations/wechat/pay/notification.ts'
import { WechatPayNotificationError } from '../../integrations/wechat/pay/errors.ts'
import type { WechatPayRefund, WechatPayTransaction } from '../../integrations/wechat/pay/types.ts'
import { afterGroupPayment } from './group-seats.service.ts'
import { recordNotification } from './payments.repository.ts'
import type { PaymentDeps } from './payments.service.ts'
import { applyRefundAnswer } from './refunds.service.ts'
import { settlePaid } from './settlement.service.ts'

export type NotificationKind = 'transaction' | 'refund'

/**
 * What we answer WeChat Pay: 204 acknowledges (WeChat stops re-sending); 4xx refuses a forgery or
 * a notification that fails our checks; 5xx asks WeChat to try again later.
 */
export type NotificationAnswer = 204 | 400 | 401 | 500

/**
 * A WeChat Pay notification (PAY-3, PAY-4), from raw body to answer. The signature is verified on
 * the raw bytes before anything is parsed (docs/wechat-protocol.md §3.7, §5.1); the settlement and the
 * notification's audit row are one transaction.
 */
export async function receiveNotification(
  deps: PaymentDeps,
  kind: NotificationKind,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
  at: Date,
): Promise<NotificationAnswer> {
  let notification
  try {
    notification = parseWechatPayNotification(rawBody, headers, deps.wechat, at.getTime())
  } catch (error) {
    const reason = error instanceof WechatPayNotificationError ? error.reason : 'unknown'
    // Probes (WECHATPAY/SIGNTEST/…) and forgeries are refused with 4xx; WeChat re-sends real ones.
    deps.log.warn({ reason }, 'WeChat Pay notification refused')
    return reason === 'decrypt_failed' ? 500 : 401
  }
  const audit = { id: notification.id, eventType: notification.eventType }

  if (kind === 'transaction' && notification.eventType === 'TRANSACTION.SUCCESS') {
    const trade = notification.resource as WechatPayTransaction
    if (typeof trade?.out_trade_no !== 'string') return 400
    const outcome = await settlePaid(deps.db, deps.wechat, trade, at, audit)
    if (outcome.kind === 'paid') await afterGroupPayment(deps, trade.out_trade_no, at)
    if (outcome.kind !== 'rejected') return 204
    if (outcome.reason === 'paid_after_close') {
      // Money arrived for an order we had closed: acknowledge (WeChat cannot undo it) and flag it for a refund by staff.
      deps.log.error({ outTradeNo: trade.out_trade_no }, 'payment received for a closed order: refund needed')
      return 204
    }
    deps.log.error({ outTradeNo: trade.out_trade_no, reason: outcome.reason }, 'payment notification failed our checks')
    return 400
  }

  if (kind === 'refund' && notification.eventType.startsWith('REFUND.')) {
    const refund = notification.resource as WechatPayRefund & { refund_status?: string; mchid?: string }
    if (typeof refund?.out_refund_no !== 'string') return 400
    // Refund notifications name the state `refund_status`; the query API names it `status`.
    const outcome = await applyRefundAnswer(deps, { ...refund, status: refund.refund_status ?? refund.status }, at, audit)
    // A refund that did not succeed (closed, abnormal) is a fact to acknowledge, not a forgery.
    if (outcome.kind === 'rejected' && outcome.reason !== 'not_success') {
      deps.log.error({ outRefundNo: refund.out_refund_no, reason: outcome.reason }, 'refund notification failed our checks')
      return 400
    }
    return 204
  }

  await recordNotification(deps.db, { ...audit, outTradeNo: null, outcome: 'ignored', receivedAt: at })
  return 204
}
