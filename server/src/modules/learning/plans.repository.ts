import { and, count, eq, inArray, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { courseCompletions } from '../../db/schema/learning.ts'

/** Per project: the learner's completed courses and the hours they count. */
export function sumCompletions(db: AppDb, userId: number, projectIds: number[]) {
  return db
    .select({ projectId: courseCompletions.projectId, n: count(), hours: sql<string>`coalesce(sum(${courseCompletions.hours}), 0)` })
    .from(courseCompletions)
    .where(and(eq(courseCompletions.userId, userId), inArray(courseCompletions.projectId, projectIds)))
    .groupBy(courseCompletions.projectId)
}
