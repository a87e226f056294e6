import { randomInt } from 'node:crypto'
import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { GROUP_ORDER_PAYMENT_WINDOW_HOURS, OrderStatus } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { courseCompletions, enrollments, groupOrderTransfers, groupRefundDues, orderItems, orders, projects, users } from '../../db/schema.ts'
import { newOutTradeNo } from '../orders/orders.rules.ts'
import { openStored } from '../../crypto/personal-data.ts'

export type OrderRow = typeof orders.$inferSelect

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** `TT` + 8 characters without look-alikes (0/O, 1/I): short enough to type into a bank's 附言. */
export function newTransferReference(): string {
  let out = 'TT'
  for (let i = 0; i < 8; i++) out += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]
  return out
}

/**
 * The group order, one item per learner and (when 对公转账 is offered) its transfer reference, in
 * one transaction. Its items hold no seat until the order is paid.
 */
export async function insertGroupOrder(
  db: AppDb,
  input: { buyerUserId: number; projectId: number; unitPriceFen: number; learnerUserIds: number[]; withTransfer: boolean },
  now: Date,
): Promise<OrderRow> {
  return db.transaction(async (tx) => {
    const [order] = await tx
      .insert(orders)
      .values({
        outTradeNo: newOutTradeNo(now),
        buyerUserId: input.buyerUserId,
        kind: 'group',
        projectId: input.projectId,
        unitPriceFen: input.unitPriceFen,
        quantity: input.learnerUserIds.length,
        amountFen: input.unitPriceFen * input.learnerUserIds.length,
        status: OrderStatus.PENDING,
        invoice: { choice: 'later' },
        createdAt: now,
        expiresAt: new Date(now.getTime() + GROUP_ORDER_PAYMENT_WINDOW_HOURS * 3600_000),
      })
      .returning()
    if (!order) throw new Error('order insert returned nothing')
    // One statement for every learner, the ids as one parameter (5,000 rows in one round trip).
    // Inactive: a pending group order reserves nothing against its learners (they can still buy for
    // themselves); the items become active when the order is paid (settlement.service.ts).
    await tx.execute(sql`insert into ${orderItems} (order_id, learner_user_id, project_id, active)
      select ${order.id}, learner::int, ${input.projectId}, false from unnest(string_to_array(${input.learnerUserIds.join(',')}, ',')) with ordinality as t(learner, n) order by n`)
    if (input.withTransfer) await tx.insert(groupOrderTransfers).values({ orderId: order.id, reference: newTransferReference() })
    return order
  })
}

/** The buyer's group orders, newest first, with their learner counts and transfer rows. */
export async function listBuyerGroupOrders(db: AppDb, buyerUserId: number) {
  return db
    .select({ order: orders, projectTitle: projects.title, transfer: groupOrderTransfers })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .leftJoin(groupOrderTransfers, eq(groupOrderTransfers.orderId, orders.id))
    .where(and(eq(orders.buyerUserId, buyerUserId), eq(orders.kind, 'group')))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(100)
}

export async function findBuyerGroupOrder(db: AppDb, buyerUserId: number, orderId: number) {
  const [row] = await db
    .select({ order: orders, projectTitle: projects.title, requiredHours: projects.requiredHours, transfer: groupOrderTransfers })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .leftJoin(groupOrderTransfers, eq(groupOrderTransfers.orderId, orders.id))
    .where(and(eq(orders.id, orderId), eq(orders.buyerUserId, buyerUserId), eq(orders.kind, 'group')))
  return row
}

/** Enrolled and completed counts per order, for the list (one grouped query for all orders shown). */
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

export interface GroupLearnerRow {
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
 * a page (H5) or all of them (the export), in one query either way.
 */
export async function orderLearners(db: AppDb, order: OrderRow, page?: { offset: number; limit: number }): Promise<GroupLearnerRow[]> {
  const query = db
    .select({
      idNumberSealed: users.idNumberSealed,
      legacyIdNumber: users.legacyIdNumber,
      realName: users.realName,
      enrolled: sql<boolean>`${enrollments.id} is not null`,
      dropped: sql<boolean>`${orderItems.droppedAt} is not null`,
      refundDue: sql<boolean>`${groupRefundDues.id} is not null`,
      refunded: sql<boolean>`${groupRefundDues.refundedAt} is not null`,
      completed: sql<boolean>`${enrollments.completedAt} is not null`,
      countedHours: sql<number>`coalesce((select sum(${courseCompletions.hours}) from ${courseCompletions} where ${courseCompletions.userId} = ${users.id} and ${courseCompletions.projectId} = ${order.projectId}), 0)`.mapWith(Number),
    })
    .from(orderItems)
    .innerJoin(users, eq(users.id, orderItems.learnerUserId))
    .leftJoin(enrollments, and(eq(enrollments.orderId, order.id), eq(enrollments.userId, orderItems.learnerUserId), eq(enrollments.status, 'active')))
    .leftJoin(groupRefundDues, and(eq(groupRefundDues.orderId, order.id), eq(groupRefundDues.learnerUserId, orderItems.learnerUserId)))
    .where(eq(orderItems.orderId, order.id))
    .orderBy(asc(orderItems.id))
    .$dynamic()
  const rows = await (page ? query.limit(page.limit).offset(page.offset) : query)
  return rows.map(({ idNumberSealed, legacyIdNumber, ...rest }) => ({ ...rest, idNumber: openStored('id_number', idNumberSealed, legacyIdNumber) }))
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

/** What each order owes back to its buyer and how much of it has been returned. */
export async function refundTotals(db: AppDb, orderIds: number[]) {
  if (orderIds.length === 0) return new Map<number, { seats: number; amountFen: number; returnedFen: number }>()
  const rows = await db
    .select({
      orderId: groupRefundDues.orderId,
      seats: sql<number>`count(${groupRefundDues.learnerUserId})`.mapWith(Number),
      amountFen: sql<number>`sum(${groupRefundDues.amountFen})`.mapWith(Number),
      returnedFen: sql<number>`coalesce(sum(${groupRefundDues.amountFen}) filter (where ${groupRefundDues.refundedAt} is not null), 0)`.mapWith(Number),
    })
    .from(groupRefundDues)
    .where(inArray(groupRefundDues.orderId, orderIds))
    .groupBy(groupRefundDues.orderId)
  return new Map(rows.map((r) => [r.orderId, { seats: r.seats, amountFen: r.amountFen, returnedFen: r.returnedFen }]))
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
