import { OrderStatus, type StaffOrderDetail, type StaffOrderListItem, type StaffOrderPage, type StaffOrderSearchQuery, type StaffRefundStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { isClientError } from '../../core/errors.ts'
import { searchLearnerAccounts } from '../auth/learner-search.repository.ts'
import { transfersOf } from '../group-orders/group-orders.read-model.ts'
import { findOrderById, type OrderRow } from '../orders/orders.read-model.ts'
import { searchOrdersForStaff } from '../orders/staff-orders.read-model.ts'
import { requestRefund, syncRefund, type PaymentDeps } from '../payments/payments.public.ts'
import { refundsOfOrders } from '../payments/payments.read-model.ts'
import { REFUND_WINDOW_MS } from '../payments/payments.rules.ts'
import { recordStaffAction, type StaffPrincipal } from '../staff/staff.public.ts'
import { buyersAndProjects } from './buyers.repository.ts'
import { RefundNotAllowedByConsoleError, RefundNotFoundError, RefundSubmitFailedError, StaffOrderNotFoundError } from './money.errors.ts'

export interface MoneyConsoleDeps {
  db: AppDb
  /** WeChat Pay as the payments feature built it (refunds go through its service, never a copy). */
  payments: () => PaymentDeps
  now: () => Date
}

const iso = (d: Date | null) => d?.toISOString() ?? null
const BEIJING_MS = 8 * 3600_000

/** The instant a Beijing calendar day (YYYY-MM-DD) starts. */
function beijingDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_MS)
}

/** Rows of a page: each order with its project, masked buyer and latest refund state (one query per kind of data). */
async function listItems(db: AppDb, rows: OrderRow[]): Promise<StaffOrderListItem[]> {
  const [{ buyer, project }, refunds] = await Promise.all([buyersAndProjects(db, rows), refundsOfOrders(db, rows.map((r) => r.id))])
  return rows.map((o) => ({
    id: o.id,
    outTradeNo: o.outTradeNo,
    kind: o.kind,
    projectTitle: project(o.projectId).title,
    year: project(o.projectId).year,
    quantity: o.quantity,
    amountFen: o.amountFen,
    status: o.status,
    createdAt: o.createdAt.toISOString(),
    paidAt: iso(o.paidAt),
    refundedFen: o.refundedFen,
    refundStatus: (refunds.get(o.id)?.at(-1)?.status as StaffRefundStatus | undefined) ?? null,
    buyer: buyer(o.buyerUserId),
  }))
}

/**
 * 订单与退款's search (docs/staff.md): an exact 订单号, a learner found by exact ID number or phone
 * through auth's blind indexes (or their id), kind, state and Beijing dates; newest first, paged.
 * Nothing here is unmasked, so reading is not audited.
 */
export async function searchOrders(db: AppDb, query: StaffOrderSearchQuery): Promise<StaffOrderPage> {
  const page = { page: query.page ?? 1, pageSize: query.pageSize ?? 20 }
  let userId = query.userId
  if (query.by && query.q?.trim()) {
    const found = await searchLearnerAccounts(db, query.by, query.q, { page: 1, pageSize: 1 })
    if (!found.rows[0]) return { items: [], total: 0, ...page }
    userId = found.rows[0].id
  }
  const { rows, total } = await searchOrdersForStaff(
    db,
    {
      ...(query.outTradeNo?.trim() ? { outTradeNo: query.outTradeNo.trim() } : {}),
      ...(userId !== undefined ? { userId } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.from ? { from: beijingDayStart(query.from) } : {}),
      ...(query.to ? { before: new Date(beijingDayStart(query.to).getTime() + 24 * 3600_000) } : {}),
    },
    page,
  )
  return { items: await listItems(db, rows), total, ...page }
}

/** Why the console offers no 退款 for this order now, or null. */
function refundBlockedReason(order: OrderRow, now: Date, hasOpenRefund: boolean): string | null {
  if (hasOpenRefund) return '退款处理中，请点击「刷新状态」查看结果'
  if (order.status !== OrderStatus.PAID) return '只有已支付的订单可以退款'
  if (!order.transactionId) return '对公转账付款的订单请由财务线下原路退回单位'
  if (order.refundedFen >= order.amountFen) return '订单金额已全部退回'
  if (order.paidAt && now.getTime() - order.paidAt.getTime() > REFUND_WINDOW_MS) return '订单支付已超过一年，微信支付不再受理退款'
  return null
}

/** One order's page: the order, how it was paid, its refunds and whether 退款 is offered. */
export async function orderDetail(db: AppDb, orderId: number, now: Date): Promise<StaffOrderDetail> {
  const order = await findOrderById(db, orderId)
  if (!order) throw new StaffOrderNotFoundError()
  const [[item], refunds, transfers] = await Promise.all([listItems(db, [order]), refundsOfOrders(db, [order.id]), transfersOf(db, [order.id])])
  const rows = refunds.get(order.id) ?? []
  const transfer = transfers.get(order.id)
  const open = rows.some((r) => r.status === 'requested' || r.status === 'processing')
  return {
    order: item!,
    unitPriceFen: order.unitPriceFen,
    expiresAt: order.expiresAt.toISOString(),
    closedAt: iso(order.closedAt),
    closeReason: order.closeReason,
    payment: {
      via: order.transactionId ? 'wechat_pay' : transfer?.confirmedAt ? 'transfer' : null,
      transactionId: order.transactionId,
      payerTotalFen: order.payerTotalFen,
      transfer: transfer
        ? { reference: transfer.reference, confirmedAt: iso(transfer.confirmedAt), bankSerial: transfer.bankSerial, receivedFen: transfer.receivedFen }
        : null,
    },
    refunds: rows.map((r) => ({
      outRefundNo: r.outRefundNo,
      amountFen: r.amountFen,
      reason: r.reason,
      status: r.status,
      requestedBy: r.requestedBy,
      createdAt: r.createdAt.toISOString(),
      succeededAt: iso(r.succeededAt),
    })),
    refundBlockedReason: refundBlockedReason(order, now, open),
  }
}

/** WeChat Pay's refusal or silence: the refund row stays and a later 刷新状态 sends it again. */
async function viaWechat<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    // Our own refusals (4xx with a code) pass; anything from WeChat Pay or the network becomes one answer.
    if (isClientError(error)) throw error
    throw new RefundSubmitFailedError()
  }
}

/**
 * 退款 (PAY-4, OPS-4; 财务 and 管理员): the payments feature's refund, as `refund-order` does it —
 * the remaining amount through WeChat Pay, the refund row (its out_refund_no) written first with the
 * staff audit record in the same transaction, so a double submit or a retry reuses the open refund
 * and WeChat refunds at most once. A 对公转账 order cannot go back through WeChat Pay.
 */
export async function refundOrder(deps: MoneyConsoleDeps, staff: StaffPrincipal, orderId: number, reason: string): Promise<StaffOrderDetail> {
  const now = deps.now()
  const order = await findOrderById(deps.db, orderId)
  if (!order) throw new StaffOrderNotFoundError()
  const refunds = (await refundsOfOrders(deps.db, [order.id])).get(order.id) ?? []
  const open = refunds.some((r) => r.status === 'requested' || r.status === 'processing')
  const blocked = refundBlockedReason(order, now, false)
  if (blocked && !open) throw new RefundNotAllowedByConsoleError(blocked)
  await viaWechat(() =>
    requestRefund(deps.payments(), { outTradeNo: order.outTradeNo, reason: reason.trim(), staff: staff.username }, now, (tx, refund) =>
      recordStaffAction(
        tx,
        { staffId: staff.id, action: 'order.refund', target: `order:${order.outTradeNo}`, detail: { outRefundNo: refund.outRefundNo, amountFen: refund.amountFen, reason: refund.reason } },
        now,
      ),
    ),
  )
  return orderDetail(deps.db, orderId, deps.now())
}

/**
 * 刷新状态: asks WeChat about the refund as `refund-order --sync` does and applies the answer (a
 * success settles the order and red-letters its invoice); a refund WeChat never acknowledged is sent
 * again with the same out_refund_no. Audited, since it may change the order.
 */
export async function syncOrderRefund(deps: MoneyConsoleDeps, staff: StaffPrincipal, orderId: number, outRefundNo: string): Promise<StaffOrderDetail> {
  const order = await findOrderById(deps.db, orderId)
  if (!order) throw new StaffOrderNotFoundError()
  const refund = ((await refundsOfOrders(deps.db, [order.id])).get(order.id) ?? []).find((r) => r.outRefundNo === outRefundNo)
  if (!refund) throw new RefundNotFoundError()
  const now = deps.now()
  if (refund.status === 'requested') {
    await viaWechat(() => requestRefund(deps.payments(), { outTradeNo: order.outTradeNo, reason: refund.reason, staff: refund.requestedBy }, now))
  } else if (refund.status === 'processing') {
    await viaWechat(() => syncRefund(deps.payments(), outRefundNo, now))
  }
  const detail = await orderDetail(deps.db, orderId, deps.now())
  const status = detail.refunds.find((r) => r.outRefundNo === outRefundNo)?.status
  await deps.db.transaction((tx) =>
    recordStaffAction(tx, { staffId: staff.id, action: 'order.refund_sync', target: `order:${order.outTradeNo}`, detail: { outRefundNo, status } }, now),
  )
  return detail
}
