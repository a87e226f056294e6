import { and, eq, inArray, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { courseCompletions } from '../../db/schema/learning.ts'

/**
 * What other features may read of learning progress (docs/architecture.md, "Table owners"): plain
 * rows, batched by ids.
 */

/** Counted 学时 of each of these learners in one project (completed courses), in one query; absent = 0. */
export async function countedHours(db: AppDb, projectId: number, userIds: number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({ userId: courseCompletions.userId, hours: sql<number>`sum(${courseCompletions.hours})`.mapWith(Number) })
    .from(courseCompletions)
    .where(and(eq(courseCompletions.projectId, projectId), sql`${courseCompletions.userId} = any(string_to_array(${userIds.join(',')}, ',')::int[])`))
    .groupBy(courseCompletions.userId)
  return new Map(rows.map((r) => [r.userId, r.hours]))
}

/** A learner's counted 学时 in each of these projects (completed courses), in one query; absent = 0. */
export async function countedHoursByProject(db: AppDb, userId: number, projectIds: number[]): Promise<Map<number, number>> {
  if (projectIds.length === 0) return new Map()
  const rows = await db
    .select({ projectId: courseCompletions.projectId, hours: sql<string>`coalesce(sum(${courseCompletions.hours}), 0)` })
    .from(courseCompletions)
    .where(and(eq(courseCompletions.userId, userId), inArray(courseCompletions.projectId, [...new Set(projectIds)])))
    .groupBy(courseCompletions.projectId)
  return new Map(rows.map((r) => [r.projectId, Number(r.hours)]))
}
