import { and, eq, inArray } from 'drizzle-orm'
import { ProjectState } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { enrollments, orderItems, orders } from '../../db/schema.ts'

/** The learner's state per project for catalogue cards (CAT-1): 待支付, 学习中 or 已完成. */
export async function learnerProjectStates(db: AppDb, userId: number, projectIds: number[]): Promise<Map<number, ProjectState>> {
  const states = new Map<number, ProjectState>()
  if (projectIds.length === 0) return states
  const pending = await db
    .select({ projectId: orderItems.projectId })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(eq(orderItems.learnerUserId, userId), eq(orderItems.active, true), eq(orders.status, 'pending'), inArray(orderItems.projectId, projectIds)))
  for (const row of pending) states.set(row.projectId, ProjectState.PENDING_PAYMENT)
  const enrolled = await db
    .select({ projectId: enrollments.projectId, completedAt: enrollments.completedAt })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.status, 'active'), inArray(enrollments.projectId, projectIds)))
  for (const row of enrolled) states.set(row.projectId, row.completedAt ? ProjectState.COMPLETED : ProjectState.STUDYING)
  return states
}
