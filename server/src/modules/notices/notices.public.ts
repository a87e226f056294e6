import type { AppDb } from '../../db/client.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { enrolledLearnersOfOrder, findOrderById, outTradeNos } from '../orders/orders.read-model.ts'
import { insertNotices, type NewNotice } from './notices.repository.ts'
import { fitData, formatAmount, formatDate, formatTime } from './notices.rules.ts'

/**
 * What other features call, inside the transaction of their event, to tell the learner through the
 * Official Account. Each call queues rows in the outbox (notice_outbox); the sender job delivers
 * them later. Calling twice for the same event queues nothing more. Values never carry an ID
 * number or a phone (notices.rules.ts); detail stays on the H5 page the notice opens.
 */

function notice(eventKey: string, userId: number, kind: NewNotice['kind'], data: Record<string, string>, path: string): NewNotice {
  return { eventKey, userId, kind, data: fitData(data), path }
}

/**
 * An order was paid (WeChat Pay or a confirmed transfer): an individual order's learner hears
 * 「支付成功」, each learner a unit's group order enrolled hears 「单位已为您购买…」.
 */
export async function recordOrderPaidNotices(tx: AppDb, orderId: number, now: Date): Promise<number> {
  const order = await findOrderById(tx, orderId)
  if (!order) return 0
  const title = (await projectSummaries(tx, [order.projectId])).get(order.projectId)?.title ?? '继续教育培训项目'
  const learners = await enrolledLearnersOfOrder(tx, orderId)
  const at = formatTime(order.paidAt ?? now)
  const rows = learners.map((userId) =>
    order.kind === 'group'
      ? notice(`group_enrolled:${order.outTradeNo}`, userId, 'group_enrolled', { thing1: title, thing2: '单位已为您购买，可开始学习', time3: at }, `/training/${order.projectId}`)
      : notice(
          `order_paid:${order.outTradeNo}`,
          userId,
          'payment_succeeded',
          { thing1: title, amount2: formatAmount(order.amountFen), character_string3: order.outTradeNo, time4: at },
          '/orders',
        ),
  )
  return insertNotices(tx, rows, now)
}

/** Staff confirmed a unit's 对公转账: the learner who placed the group order hears it, and each learner it enrolled. */
export async function recordTransferConfirmedNotice(tx: AppDb, orderId: number, now: Date): Promise<number> {
  const order = await findOrderById(tx, orderId)
  if (!order) return 0
  const title = (await projectSummaries(tx, [order.projectId])).get(order.projectId)?.title ?? '继续教育培训项目'
  const data = { thing1: title, amount2: formatAmount(order.amountFen), character_string3: order.outTradeNo, phrase4: '已确认' }
  // The transfer paid the order: the learners it enrolled hear 「单位已为您购买…」 as with WeChat Pay.
  await recordOrderPaidNotices(tx, orderId, now)
  return insertNotices(tx, [notice(`transfer_confirmed:${order.outTradeNo}`, order.buyerUserId, 'transfer_confirmed', data, `/group-orders/${orderId}`)], now)
}

/** A certificate was issued and can be viewed (the caller passes the row it just wrote). */
export async function recordCertificateReadyNotice(
  tx: AppDb,
  cert: { id: number; userId: number; number: string; projectTitle: string; createdAt: Date },
  now: Date,
): Promise<number> {
  const data = { thing1: cert.projectTitle, character_string2: cert.number, date3: formatDate(cert.createdAt) }
  return insertNotices(tx, [notice(`certificate:${cert.id}`, cert.userId, 'certificate_ready', data, `/certificates/${cert.id}`)], now)
}

/** An invoice document was issued: blue → 发票已开具, red-letter → 发票已红冲. Keyed by the document. */
export async function recordInvoiceNotice(
  tx: AppDb,
  invoice: { id: number; ownerUserId: number; amountFen: number; orderId: number },
  documentId: number,
  kind: 'blue' | 'red',
  now: Date,
): Promise<number> {
  const outTradeNo = (await outTradeNos(tx, [invoice.orderId])).get(invoice.orderId) ?? String(invoice.orderId)
  const data = { character_string1: outTradeNo, amount2: formatAmount(invoice.amountFen), phrase3: kind === 'blue' ? '已开具' : '已红冲', time4: formatTime(now) }
  const noticeKind = kind === 'blue' ? 'invoice_issued' : 'invoice_reversed'
  return insertNotices(tx, [notice(`invoice_document:${documentId}`, invoice.ownerUserId, noticeKind, data, `/invoices/${invoice.id}`)], now)
}

/** Staff reset the learner's password (a security notice; each reset is its own event). */
export async function recordPasswordResetNotice(tx: AppDb, userId: number, now: Date): Promise<number> {
  const data = { thing1: '您的登录密码已由工作人员重置', time2: formatTime(now), thing3: '如非本人申请，请联系客服' }
  return insertNotices(tx, [notice(`password_reset:${now.getTime()}`, userId, 'password_reset', data, '/me')], now)
}

/** Staff changed the learner's sign-in phone (a security notice; the numbers themselves never appear). */
export async function recordPhoneChangedNotice(tx: AppDb, userId: number, now: Date): Promise<number> {
  const data = { thing1: '您的登录手机号已由工作人员更换', time2: formatTime(now), thing3: '如非本人申请，请联系客服' }
  return insertNotices(tx, [notice(`phone_changed:${now.getTime()}`, userId, 'phone_changed', data, '/me')], now)
}
