import { maskIdNumber, maskName, OrderStatus, type GroupOrder, type GroupOrderLearner, type GroupOrderLearnerPage } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { namesAndIdNumbers } from '../auth/auth.read-model.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { countedHours } from '../learning/learning.read-model.ts'
import { planProgress } from '../learning/plans.rules.ts'
import {
  droppedCounts,
  enrolmentCounts,
  findBuyerOrderOfKind,
  isListedInPendingGroupOrder,
  listBuyerOrdersOfKind,
  orderItemLearners,
  toOrderDto,
  type OrderRow,
} from '../orders/orders.read-model.ts'
import { dropEnrolledSeats } from '../payments/payments.public.ts'
import { refundTotals, seatRefundDues } from '../payments/payments.read-model.ts'
import { GroupOrderNotFoundError } from './group-orders.errors.ts'
import { transfersOf, type TransferRow } from './group-orders.repository.ts'
import { signGroupFileLink } from './group-file-links.rules.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

/** A group order as the buyer's pages show it: the order, its project and its 对公转账 row. */
interface GroupOrderRow {
  order: OrderRow
  projectTitle: string
  requiredHours: number
  transfer: TransferRow | null
}

/** The orders with their projects and transfers: the owners' read models, one query each for all orders shown. */
async function withProjectsAndTransfers(db: AppDb, orders: OrderRow[]): Promise<GroupOrderRow[]> {
  const projects = await projectSummaries(db, orders.map((o) => o.projectId))
  const transfers = await transfersOf(db, orders.map((o) => o.id))
  return orders.map((order) => ({
    order,
    projectTitle: projects.get(order.projectId)?.title ?? '',
    requiredHours: projects.get(order.projectId)?.requiredHours ?? 0,
    transfer: transfers.get(order.id) ?? null,
  }))
}

/** The buyer's group orders, newest first, with their projects and transfer rows. */
async function listBuyerGroupOrders(db: AppDb, buyerUserId: number): Promise<GroupOrderRow[]> {
  return withProjectsAndTransfers(db, await listBuyerOrdersOfKind(db, buyerUserId, 'group'))
}

/** One group order of the buyer (another buyer's answers like a missing one). */
export async function findBuyerGroupOrder(db: AppDb, buyerUserId: number, orderId: number): Promise<GroupOrderRow | undefined> {
  const order = await findBuyerOrderOfKind(db, buyerUserId, orderId, 'group')
  return order ? (await withProjectsAndTransfers(db, [order]))[0] : undefined
}

export interface GroupLearnerRow {
  userId: number
  idNumber: string
  realName: string
  enrolled: boolean
  dropped: boolean
  refundDue: boolean
  refunded: boolean
  completed: boolean
  countedHours: number
}

/**
 * The order's learners in the order they were listed, with each one's 计划完成度 for the project:
 * a page (H5) or all of them (the export). The items come from orders, then names (auth), seats
 * owed back (payments) and counted 学时 (learning) for those learners: four queries however many.
 */
export async function orderLearners(db: AppDb, order: OrderRow, page?: { offset: number; limit: number }): Promise<GroupLearnerRow[]> {
  const items = await orderItemLearners(db, order.id, page)
  const ids = items.map((i) => i.learnerUserId)
  const people = await namesAndIdNumbers(db, ids)
  const dues = await seatRefundDues(db, order.id, ids)
  const hours = await countedHours(db, order.projectId, ids)
  return items.map((item) => ({
    userId: item.learnerUserId,
    idNumber: people.get(item.learnerUserId)?.idNumber ?? '',
    realName: people.get(item.learnerUserId)?.realName ?? '',
    enrolled: item.enrolled,
    dropped: item.dropped,
    refundDue: dues.has(item.learnerUserId),
    refunded: dues.get(item.learnerUserId)?.refunded ?? false,
    completed: item.completed,
    countedHours: hours.get(item.learnerUserId) ?? 0,
  }))
}

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
