import { maskIdNumber, maskName, OrderStatus, type GroupOrder, type GroupOrderLearner, type GroupOrderLearnerPage } from '@app/shared'
import { toOrderDto } from '../orders/orders.repository.ts'
import { planProgress } from '../learning/plans.rules.ts'
import { dropEnrolledSeats } from '../payments/payments.public.ts'
import { GroupOrderNotFoundError } from './group-orders.errors.ts'
import { droppedCounts, enrolmentCounts, findBuyerGroupOrder, isListedInPendingGroupOrder, listBuyerGroupOrders, orderLearners, refundTotals, type GroupLearnerRow, type OrderRow } from './group-orders.repository.ts'
import { signGroupFileLink } from './group-file-links.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

type GroupOrderRow = Awaited<ReturnType<typeof listBuyerGroupOrders>>[number]

interface OrderFigures {
  counts: { enrolled: number; completed: number } | undefined
  dropped: number | undefined
  refund: { seats: number; amountFen: number; returnedFen: number } | undefined
}

/**
 * Whether the order was ever paid: only then does its buyer see the learners' names and progress
 * (a pending order's buyer has paid nothing and sees only what the list itself held).
 */
export function wasPaid(order: OrderRow): boolean {
  return order.paidAt !== null
}

function toGroupOrderDto(deps: GroupOrderDeps, row: GroupOrderRow, figures: OrderFigures): GroupOrder {
  const account = deps.transferAccount
  const { refund } = figures
  return {
    order: toOrderDto(row.order, row.projectTitle),
    learnerCount: row.order.quantity,
    droppedCount: figures.dropped ?? 0,
    enrolledCount: figures.counts?.enrolled ?? 0,
    completedCount: figures.counts?.completed ?? 0,
    refund: refund ? { ...refund, by: row.order.transactionId !== null ? 'wechat_pay' : 'staff' } : null,
    transfer:
      account && row.transfer
        ? { ...account, reference: row.transfer.reference, amountFen: row.order.amountFen, confirmedAt: row.transfer.confirmedAt?.toISOString() ?? null }
        : null,
  }
}

async function figuresOf(deps: GroupOrderDeps, orderIds: number[]) {
  const [counts, dropped, refunds] = [await enrolmentCounts(deps.db, orderIds), await droppedCounts(deps.db, orderIds), await refundTotals(deps.db, orderIds)]
  return (id: number): OrderFigures => ({ counts: counts.get(id), dropped: dropped.get(id), refund: refunds.get(id) })
}

/** 团购订单 (GRP-4): the buyer's group orders, newest first. */
export async function listGroupOrders(deps: GroupOrderDeps, buyerUserId: number): Promise<GroupOrder[]> {
  const rows = await listBuyerGroupOrders(deps.db, buyerUserId)
  const figures = await figuresOf(deps, rows.map((r) => r.order.id))
  return rows.map((r) => toGroupOrderDto(deps, r, figures(r.order.id)))
}

/**
 * One group order. A pending one is re-priced first — learners who bought for themselves since
 * they were listed are taken off and not charged — so the 对公转账 amount shown is what is due.
 */
export async function groupOrderDetail(deps: GroupOrderDeps, buyerUserId: number, orderId: number, now: Date): Promise<GroupOrder> {
  let row = await findBuyerGroupOrder(deps.db, buyerUserId, orderId)
  if (!row) throw new GroupOrderNotFoundError()
  if (row.order.status === OrderStatus.PENDING) {
    await dropEnrolledSeats(deps.payments, row.order, now)
    row = (await findBuyerGroupOrder(deps.db, buyerUserId, orderId)) ?? row
  }
  return toGroupOrderDto(deps, row, (await figuresOf(deps, [orderId]))(orderId))
}

/** What became of one listed learner (after payment). */
export function learnerState(l: GroupLearnerRow): GroupOrderLearner['state'] {
  if (l.enrolled) return 'enrolled'
  if (l.dropped) return 'dropped'
  if (l.refundDue) return l.refunded ? 'refunded' : 'refund_due'
  return 'unpaid'
}

/** Before payment: what the buyer's own list held, no more (masked name, no state, no progress). */
function maskedLearner(l: GroupLearnerRow): GroupOrderLearner {
  return { idNumberMasked: maskIdNumber(l.idNumber), realName: maskName(l.realName), state: 'unpaid', percent: null, countedHours: null, completed: null }
}

/** After payment: the name, and the progress of the learners this order enrolled. */
function paidLearner(l: GroupLearnerRow, requiredHours: number): GroupOrderLearner {
  const state = learnerState(l)
  if (state !== 'enrolled') return { idNumberMasked: maskIdNumber(l.idNumber), realName: l.realName, state, percent: null, countedHours: null, completed: null }
  const progress = planProgress(requiredHours, l.countedHours)
  return {
    idNumberMasked: maskIdNumber(l.idNumber),
    realName: l.realName,
    state,
    percent: l.completed ? 100 : progress.percent,
    countedHours: progress.countedHours,
    completed: l.completed,
  }
}

/**
 * A page of the order's learners. Paid: names, 计划完成度 and a signed link to export them all.
 * Not paid: masked names only and no export — an unpaid list must not turn ID numbers into names.
 */
export async function groupOrderLearners(deps: GroupOrderDeps, buyerUserId: number, orderId: number, page: number, pageSize: number, now: Date): Promise<GroupOrderLearnerPage> {
  const row = await findBuyerGroupOrder(deps.db, buyerUserId, orderId)
  if (!row) throw new GroupOrderNotFoundError()
  const paid = wasPaid(row.order)
  const learners = await orderLearners(deps.db, row.order, { offset: (page - 1) * pageSize, limit: pageSize })
  return {
    learners: learners.map((l) => (paid ? paidLearner(l, row.requiredHours) : maskedLearner(l))),
    total: await listedCount(deps, row.order),
    page,
    pageSize,
    namesMasked: !paid,
    exportUrl: paid ? signGroupFileLink(deps.fileKey, learnersFilePath(buyerUserId, orderId), now) : null,
  }
}

async function listedCount(deps: GroupOrderDeps, order: OrderRow): Promise<number> {
  return order.quantity + ((await droppedCounts(deps.db, [order.id])).get(order.id) ?? 0)
}

/** The export's path names the buyer, so a signature is good for one buyer's one order only. */
export function learnersFilePath(buyerUserId: number, orderId: number): string {
  return `/api/group-orders/files/${buyerUserId}/${orderId}/learners.xlsx`
}

/** For the learner where they buy: is a unit's order listing them waiting for payment? (The buyer is not named.) */
export async function groupOrderNotice(deps: GroupOrderDeps, learnerUserId: number, projectId: number, now: Date): Promise<{ pendingGroupOrder: boolean }> {
  return { pendingGroupOrder: await isListedInPendingGroupOrder(deps.db, learnerUserId, projectId, now) }
}
