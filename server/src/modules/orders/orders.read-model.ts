import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { enrollments, orderItems, orders } from '../../db/schema/orders.ts'
import { rowsOf, type AppTx } from '../../db/pipelined-transaction.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import type { OrderRow } from './orders.repository.ts'

/**
 * What other features may read of orders, order items and enrolments (docs/architecture.md, "Table
 * owners"): functions of the database or a transaction returning plain rows, batched by ids.
 */

export type { OrderRow } from './orders.repository.ts'
export { toOrderDto } from './orders.repository.ts'

/** A learner's active enrolment in a project (certificates are issued on it). */
export async function findActiveEnrollment(db: AppDb | AppTx, userId: number, projectId: number) {
  const [row] = await db
    .select({ id: enrollments.id, completedAt: enrollments.completedAt })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId), eq(enrollments.status, 'active')))
  return row
}

/**
 * For each of these accounts, what already holds them for the project (GRP-2), in one query: an
 * active enrolment (`owned`), or an active item of an order (`inOpenOrder`: their own pending
 * order, or a paid one; pending group orders hold nobody).
 */
export async function learnerHolds(db: AppDb, projectId: number, userIds: number[]): Promise<Map<number, { owned: boolean; inOpenOrder: boolean }>> {
  const holds = new Map<number, { owned: boolean; inOpenOrder: boolean }>()
  if (userIds.length === 0) return holds
  // The ids travel as one comma-joined parameter: the same statement for 1 or 5,000 learners.
  const rows = await db.execute(sql`select u.id as user_id,
      exists (select 1 from enrollments e where e.user_id = u.id and e.project_id = ${projectId} and e.status = 'active') as owned,
      exists (select 1 from order_items i where i.learner_user_id = u.id and i.project_id = ${projectId} and i.active) as in_open_order
    from unnest(string_to_array(${userIds.join(',')}, ',')::int[]) as u(id)`)
  for (const row of rowsOf(rows)) holds.set(Number(row.user_id), { owned: row.owned === true, inOpenOrder: row.in_open_order === true })
  return holds
}

/** The buyer's orders of one kind, newest first (at most 100). */
export async function listBuyerOrdersOfKind(db: AppDb, buyerUserId: number, kind: 'individual' | 'group'): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(and(eq(orders.buyerUserId, buyerUserId), eq(orders.kind, kind)))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(100)
}

/** One order of the buyer and kind (another buyer's answers like a missing one). */
export async function findBuyerOrderOfKind(db: AppDb, buyerUserId: number, orderId: number, kind: 'individual' | 'group'): Promise<OrderRow | undefined> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.buyerUserId, buyerUserId), eq(orders.kind, kind)))
  return row
}

/** An order's status now (after a settlement in the caller's transaction). */
export async function orderStatus(db: AppDb | AppTx, orderId: number): Promise<string | undefined> {
  const [row] = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId))
  return row?.status
}

/** Enrolled and completed counts per order, for the orders shown (one grouped query). */
export async function enrolmentCounts(db: AppDb, orderIds: number[]) {
  if (orderIds.length === 0) return new Map<number, { enrolled: number; completed: number }>()
  const rows = await db
    .select({
      orderId: enrollments.orderId,
      enrolled: count(),
      completed: sql<number>`count(${enrollments.completedAt})`.mapWith(Number),
    })
    .from(enrollments)
    .where(and(inArray(enrollments.orderId, orderIds), eq(enrollments.status, 'active')))
    .groupBy(enrollments.orderId)
  return new Map(rows.map((r) => [r.orderId, { enrolled: r.enrolled, completed: r.completed }]))
}

/** Learners taken off each order before payment (bought for themselves meanwhile), for the orders shown. */
export async function droppedCounts(db: AppDb, orderIds: number[]): Promise<Map<number, number>> {
  if (orderIds.length === 0) return new Map()
  const rows = await db
    .select({ orderId: orderItems.orderId, n: count() })
    .from(orderItems)
    .where(and(inArray(orderItems.orderId, orderIds), isNotNull(orderItems.droppedAt)))
    .groupBy(orderItems.orderId)
  return new Map(rows.map((r) => [r.orderId, r.n]))
}

/** How many learners an order ever listed (taken off or not). */
export async function listedCount(db: AppDb | AppTx, orderId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orderItems).where(eq(orderItems.orderId, orderId))
  return row?.n ?? 0
}

export interface OrderItemLearner {
  learnerUserId: number
  /** Enrolled by this order and still active. */
  enrolled: boolean
  dropped: boolean
  /** The enrolment's plan is complete. */
  completed: boolean
}

/** An order's learners in the order they were listed, a page or all of them, with what the order did for each. */
export async function orderItemLearners(db: AppDb, orderId: number, page?: { offset: number; limit: number }): Promise<OrderItemLearner[]> {
  const query = db
    .select({
      learnerUserId: orderItems.learnerUserId,
      enrolled: sql<boolean>`${enrollments.id} is not null`,
      dropped: sql<boolean>`${orderItems.droppedAt} is not null`,
      completed: sql<boolean>`${enrollments.completedAt} is not null`,
    })
    .from(orderItems)
    .leftJoin(enrollments, and(eq(enrollments.orderId, orderId), eq(enrollments.userId, orderItems.learnerUserId), eq(enrollments.status, 'active')))
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(orderItems.id))
    .$dynamic()
  return page ? query.limit(page.limit).offset(page.offset) : query
}

/**
 * Whether a unit's pending group order, still open for payment, lists this learner for the project
 * (their item not taken off) while they do not own it. Only a yes or no: nothing about the order or
 * its buyer.
 */
export async function isListedInPendingGroupOrder(db: AppDb, learnerUserId: number, projectId: number, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: orderItems.id })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(
      and(
        eq(orderItems.learnerUserId, learnerUserId),
        eq(orderItems.projectId, projectId),
        isNull(orderItems.droppedAt),
        eq(orders.kind, 'group'),
        eq(orders.status, OrderStatus.PENDING),
        gt(orders.expiresAt, now),
        // Once the learner owns the plan, that order will not charge for them: nothing to tell.
        sql`not exists (select 1 from enrollments e where e.user_id = ${learnerUserId} and e.project_id = ${projectId} and e.status = 'active')`,
      ),
    )
    .limit(1)
  return row !== undefined
}

export { findOrderByOutTradeNo } from './orders.repository.ts'

/** One order of the buyer (never another learner's), with its project's title (from the catalogue). */
export async function findBuyerOrder(db: AppDb, buyerUserId: number, orderId: number): Promise<{ order: OrderRow; projectTitle: string } | undefined> {
  const [order] = await db.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.buyerUserId, buyerUserId)))
  if (!order) return undefined
  return { order, projectTitle: (await projectSummaries(db, [order.projectId])).get(order.projectId)?.title ?? '' }
}

/** The buyer's orders (of one kind, or all), newest first, at most 100, with their projects' titles. */
export async function listBuyerOrders(db: AppDb, buyerUserId: number, kind?: 'individual' | 'group'): Promise<{ order: OrderRow; projectTitle: string }[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.buyerUserId, buyerUserId), kind ? eq(orders.kind, kind) : undefined))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(100)
  const titles = await projectSummaries(db, rows.map((r) => r.projectId))
  return rows.map((order) => ({ order, projectTitle: titles.get(order.projectId)?.title ?? '' }))
}

/** One order by id (for the payment path, which has already checked who may see it). */
export async function findOrderById(db: AppDb | AppTx, orderId: number): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, orderId))
  return row
}

/** Of these orders, the group orders paid by WeChat Pay and still paid (their unneeded seats are refunded automatically). */
export async function paidWechatGroupOrders(db: AppDb, orderIds: number[], limit: number): Promise<number[]> {
  if (orderIds.length === 0) return []
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(inArray(orders.id, orderIds), eq(orders.kind, 'group'), isNotNull(orders.transactionId), eq(orders.status, OrderStatus.PAID)))
    .limit(limit)
  return rows.map((r) => r.id)
}

/** The learner's active enrolments (one project when `projectId` is given), with their completion. */
export async function activeEnrollments(db: AppDb, userId: number, projectId?: number): Promise<{ projectId: number; completedAt: Date | null }[]> {
  return db
    .select({ projectId: enrollments.projectId, completedAt: enrollments.completedAt })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.status, 'active'), projectId === undefined ? undefined : eq(enrollments.projectId, projectId)))
}

/** Orders a learner bought (individual and group) with their project's title, newest first (我的个人信息). */
export async function buyerOrdersForExport(db: AppDb, buyerUserId: number) {
  const rows = await db
    .select({
      projectId: orders.projectId,
      outTradeNo: orders.outTradeNo,
      kind: orders.kind,
      quantity: orders.quantity,
      amountFen: orders.amountFen,
      status: orders.status,
      createdAt: orders.createdAt,
      paidAt: orders.paidAt,
      refundedFen: orders.refundedFen,
    })
    .from(orders)
    .where(eq(orders.buyerUserId, buyerUserId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
  const titles = await projectSummaries(db, rows.map((r) => r.projectId))
  return rows.map(({ projectId, ...r }) => ({ ...r, projectTitle: titles.get(projectId)?.title ?? '' }))
}

/**
 * What staff see of a learner's orders: those they paid for themselves and the 团体 orders that list
 * them (the seat price is theirs), each at most `limit`, newest first, with the project's title.
 */
export async function learnerOrdersForStaff(db: AppDb, userId: number, limit: number) {
  const own = await db
    .select({ projectId: orders.projectId, outTradeNo: orders.outTradeNo, amountFen: orders.amountFen, status: orders.status, createdAt: orders.createdAt, paidAt: orders.paidAt })
    .from(orders)
    .where(and(eq(orders.buyerUserId, userId), eq(orders.kind, 'individual')))
    .orderBy(desc(orders.createdAt))
    .limit(limit)
  const group = await db
    .select({ projectId: orders.projectId, outTradeNo: orders.outTradeNo, amountFen: orders.unitPriceFen, status: orders.status, createdAt: orders.createdAt, paidAt: orders.paidAt })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(eq(orderItems.learnerUserId, userId), eq(orders.kind, 'group')))
    .orderBy(desc(orders.createdAt))
    .limit(limit)
  const titles = await projectSummaries(db, [...own, ...group].map((o) => o.projectId))
  const withTitle = <T extends { projectId: number }>({ projectId, ...o }: T) => ({ ...o, projectTitle: titles.get(projectId)?.title ?? '' })
  return [...own.map((o) => ({ ...withTitle(o), kind: 'personal' as const })), ...group.map((o) => ({ ...withTitle(o), kind: 'group' as const }))].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
  )
}

/** A learner's enrolments (every status), newest first, at most `limit` when given. */
export async function enrollmentsOf(db: AppDb | AppTx, userId: number, limit?: number) {
  const query = db
    .select({ projectId: enrollments.projectId, status: enrollments.status, enrolledAt: enrollments.createdAt, completedAt: enrollments.completedAt })
    .from(enrollments)
    .where(eq(enrollments.userId, userId))
    .orderBy(desc(enrollments.createdAt), desc(enrollments.id))
  return limit === undefined ? query : query.limit(limit)
}

/** The out_trade_no of each of these orders, in one query. */
export async function outTradeNos(db: AppDb | AppTx, orderIds: number[]): Promise<Map<number, string>> {
  if (orderIds.length === 0) return new Map()
  const rows = await db.select({ id: orders.id, outTradeNo: orders.outTradeNo }).from(orders).where(inArray(orders.id, [...new Set(orderIds)]))
  return new Map(rows.map((r) => [r.id, r.outTradeNo]))
}

/** Ids of every order this account bought. */
export async function buyerOrderIds(db: AppDb | AppTx, buyerUserId: number): Promise<number[]> {
  const rows = await db.select({ id: orders.id }).from(orders).where(eq(orders.buyerUserId, buyerUserId))
  return rows.map((r) => r.id)
}

/** The learners an order enrolled (still active): whom its payment notices go to. */
export async function enrolledLearnersOfOrder(db: AppDb | AppTx, orderId: number): Promise<number[]> {
  const rows = await db.select({ userId: enrollments.userId }).from(enrollments).where(and(eq(enrollments.orderId, orderId), eq(enrollments.status, 'active')))
  return rows.map((r) => r.userId)
}
