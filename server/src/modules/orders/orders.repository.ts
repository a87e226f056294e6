import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { OrderStatus, ProjectState, type Order } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { enrollments, orderItems, orders, projects } from '../../db/schema.ts'

export type OrderRow = typeof orders.$inferSelect

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function toOrderDto(row: OrderRow, projectTitle: string): Order {
  return {
    id: row.id,
    outTradeNo: row.outTradeNo,
    kind: row.kind,
    status: row.status,
    projectId: row.projectId,
    projectTitle,
    unitPriceFen: row.unitPriceFen,
    quantity: row.quantity,
    amountFen: row.amountFen,
    invoiceChoice: row.invoice.choice,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    paidAt: iso(row.paidAt),
    closedAt: iso(row.closedAt),
    refundedAt: iso(row.refundedAt),
    refundedFen: row.refundedFen,
  }
}

/** One order of the buyer (never another learner's), with its project title. */
export async function findBuyerOrder(db: AppDb, buyerUserId: number, orderId: number) {
  const [row] = await db
    .select({ order: orders, projectTitle: projects.title })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .where(and(eq(orders.id, orderId), eq(orders.buyerUserId, buyerUserId)))
  return row
}

export async function listBuyerOrders(db: AppDb, buyerUserId: number, kind?: 'individual' | 'group') {
  return db
    .select({ order: orders, projectTitle: projects.title })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .where(and(eq(orders.buyerUserId, buyerUserId), kind ? eq(orders.kind, kind) : undefined))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(100)
}

export async function findOrderByOutTradeNo(db: AppDb, outTradeNo: string) {
  const [row] = await db.select().from(orders).where(eq(orders.outTradeNo, outTradeNo))
  return row
}

/** The learner's state per project for catalogue cards (CAT-1): 待支付, 学习中 or 已完成. */
export async function learnerProjectStates(db: AppDb, userId: number, projectIds: number[]): Promise<Map<number, ProjectState>> {
  const states = new Map<number, ProjectState>()
  if (projectIds.length === 0) return states
  const pending = await db
    .select({ projectId: orderItems.projectId })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(eq(orderItems.learnerUserId, userId), eq(orderItems.active, true), eq(orders.status, OrderStatus.PENDING), inArray(orderItems.projectId, projectIds)))
  for (const row of pending) states.set(row.projectId, ProjectState.PENDING_PAYMENT)
  const enrolled = await db
    .select({ projectId: enrollments.projectId, completedAt: enrollments.completedAt })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.status, 'active'), inArray(enrollments.projectId, projectIds)))
  for (const row of enrolled) states.set(row.projectId, row.completedAt ? ProjectState.COMPLETED : ProjectState.STUDYING)
  return states
}

/**
 * Writes other features make in their own transaction (docs/architecture.md, "Table owners"):
 * group orders create their order rows here, and lock them to confirm a transfer.
 */

/** The order row, locked for the caller's transaction. */
export async function lockOrderById(tx: AppDb | AppTx, orderId: number): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
  return row
}

/**
 * A pending group order and one item per learner, in the caller's transaction. Its items are
 * inactive: a pending group order reserves nothing against its learners (they can still buy for
 * themselves); they become active when the order is paid (payments/settlement.service.ts).
 */
export async function insertGroupOrderRows(
  tx: AppDb | AppTx,
  input: { outTradeNo: string; buyerUserId: number; projectId: number; unitPriceFen: number; learnerUserIds: number[]; expiresAt: Date },
  now: Date,
): Promise<OrderRow> {
  const [order] = await tx
    .insert(orders)
    .values({
      outTradeNo: input.outTradeNo,
      buyerUserId: input.buyerUserId,
      kind: 'group',
      projectId: input.projectId,
      unitPriceFen: input.unitPriceFen,
      quantity: input.learnerUserIds.length,
      amountFen: input.unitPriceFen * input.learnerUserIds.length,
      status: OrderStatus.PENDING,
      invoice: { choice: 'later' },
      createdAt: now,
      expiresAt: input.expiresAt,
    })
    .returning()
  if (!order) throw new Error('order insert returned nothing')
  // One statement for every learner, the ids as one parameter (5,000 rows in one round trip).
  await tx.execute(sql`insert into ${orderItems} (order_id, learner_user_id, project_id, active)
    select ${order.id}, learner::int, ${input.projectId}, false from unnest(string_to_array(${input.learnerUserIds.join(',')}, ',')) with ordinality as t(learner, n) order by n`)
  return order
}
