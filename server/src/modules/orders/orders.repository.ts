import { and, desc, eq, inArray } from 'drizzle-orm'
import { OrderStatus, ProjectState, type Order } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
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
