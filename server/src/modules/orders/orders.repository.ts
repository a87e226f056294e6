import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm'
import { OrderStatus, ProjectState, type Order } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { enrollments, orderItems, orders } from '../../db/schema/orders.ts'

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

/**
 * The learner's plan is complete (learning decides, in its progress transaction): the active
 * enrolment is marked once. Answers whether this call marked it.
 */
export async function markEnrollmentCompleted(tx: AppDb | AppTx, userId: number, projectId: number, now: Date): Promise<boolean> {
  const completed = await tx
    .update(enrollments)
    .set({ completedAt: now })
    .where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId), eq(enrollments.status, 'active'), isNull(enrollments.completedAt)))
    .returning({ id: enrollments.id })
  return completed.length > 0
}

/** A pending individual order and its one item, in the caller's transaction (the partial unique index on order_items refuses a second open one). */
export async function insertIndividualOrder(
  tx: AppDb | AppTx,
  input: { outTradeNo: string; buyerUserId: number; projectId: number; priceFen: number; invoice: OrderRow['invoice']; expiresAt: Date },
  now: Date,
): Promise<OrderRow> {
  const [order] = await tx
    .insert(orders)
    .values({
      outTradeNo: input.outTradeNo,
      buyerUserId: input.buyerUserId,
      kind: 'individual',
      projectId: input.projectId,
      unitPriceFen: input.priceFen,
      quantity: 1,
      amountFen: input.priceFen,
      status: OrderStatus.PENDING,
      invoice: input.invoice,
      createdAt: now,
      expiresAt: input.expiresAt,
    })
    .returning()
  if (!order) throw new Error('order insert returned nothing')
  await tx.insert(orderItems).values({ orderId: order.id, learnerUserId: input.buyerUserId, projectId: input.projectId })
  return order
}

/** The order holding the learner's open item for the project, if any. */
export async function openItemOrder(db: AppDb, learnerUserId: number, projectId: number): Promise<{ status: string } | undefined> {
  const [open] = await db
    .select({ status: orders.status })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(eq(orderItems.learnerUserId, learnerUserId), eq(orderItems.projectId, projectId), eq(orderItems.active, true)))
  return open
}

/**
 * 注销账号 (privacy, inside its closure transaction, before the user's row): locks the buyer's
 * pending and refunding orders and returns their states. A payment notification that marks an
 * order paid holds the same order row, so closure and payment happen one after the other.
 */
export async function lockOpenOrdersOfBuyer(tx: AppDb | AppTx, buyerUserId: number): Promise<{ id: number; status: string }[]> {
  return tx
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.buyerUserId, buyerUserId), inArray(orders.status, ['pending', 'refunding'])))
    .for('update')
}

/**
 * Orders the invoice job should look at (paid with 「立即申请」, `invoice_pending`) with an id above
 * `afterId`, in id order; a partial index holds only these, so the job's every-few-seconds pass
 * costs the same at any number of paid orders.
 */
export async function ordersAwaitingInvoice(db: AppDb, limit: number, afterId = 0): Promise<number[]> {
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.invoicePending, true), gt(orders.id, afterId)))
    .orderBy(orders.id)
    .limit(limit)
  return rows.map((r) => r.id)
}

/** The invoice job has looked at the order (its invoice exists, or it no longer qualifies). */
export async function clearInvoicePending(tx: AppDb | AppTx, orderId: number): Promise<void> {
  await tx.update(orders).set({ invoicePending: false }).where(and(eq(orders.id, orderId), eq(orders.invoicePending, true)))
}
