import { and, eq, sql } from 'drizzle-orm'
import { chapterProgress, courseCompletions } from '../../db/schema/learning.ts'
import { markEnrollmentCompleted } from '../orders/orders.repository.ts'
import { countOpenChapters } from './course-progress.read-model.ts'
import type { Tx } from './learning.types.ts'

export type ProgressRow = typeof chapterProgress.$inferSelect

/** The learner's progress in a chapter, created on first use (callers hold the learner's lock). */
export async function ensureProgress(tx: Tx, userId: number, chapterId: number, now: Date): Promise<ProgressRow> {
  await tx.insert(chapterProgress).values({ userId, chapterId, updatedAt: now }).onConflictDoNothing()
  const [row] = await tx
    .select()
    .from(chapterProgress)
    .where(and(eq(chapterProgress.userId, userId), eq(chapterProgress.chapterId, chapterId)))
  if (!row) throw new Error('chapter progress missing')
  return row
}

/** Takes back a chapter's credit since its checkpoint (three wrong answers in a row, docs/learning.md). */
export async function withdrawToCheckpoint(tx: Tx, userId: number, chapterId: number, epoch: number, now: Date): Promise<ProgressRow | undefined> {
  const [row] = await tx
    .update(chapterProgress)
    .set({
      creditedMs: sql`greatest(0, ${chapterProgress.creditedMs} - (${chapterProgress.furthestMs} - ${chapterProgress.checkpointMs}))`,
      furthestMs: sql`${chapterProgress.checkpointMs}`,
      updatedAt: now,
    })
    .where(
      and(
        eq(chapterProgress.userId, userId),
        eq(chapterProgress.chapterId, chapterId),
        eq(chapterProgress.checkpointEpoch, epoch),
        sql`${chapterProgress.completedAt} is null`,
      ),
    )
    .returning()
  return row
}

/**
 * After a chapter completes: the course counts when every chapter is complete, and the plan is
 * complete when counted hours reach its requirement (LRN-6). Runs inside the report's transaction,
 * before the batch writes its progress: `completedNow` are the chapters the batch completed.
 */
export async function completeCourseAndPlan(
  tx: Tx,
  ctx: { userId: number; courseId: number; courseHours: number; projectId: number; requiredHours: number; completedNow: number[] },
  now: Date,
): Promise<{ courseCompleted: boolean; planCompleted: boolean }> {
  if ((await countOpenChapters(tx, ctx.userId, ctx.courseId, ctx.completedNow)) > 0) return { courseCompleted: false, planCompleted: false }
  const inserted = await tx
    .insert(courseCompletions)
    .values({ userId: ctx.userId, courseId: ctx.courseId, projectId: ctx.projectId, hours: ctx.courseHours, completedAt: now })
    .onConflictDoNothing()
    .returning({ courseId: courseCompletions.courseId })
  if (inserted.length === 0) return { courseCompleted: false, planCompleted: false }
  const [sum] = await tx
    .select({ hours: sql<string>`coalesce(sum(${courseCompletions.hours}), 0)` })
    .from(courseCompletions)
    .where(and(eq(courseCompletions.userId, ctx.userId), eq(courseCompletions.projectId, ctx.projectId)))
  if (Number(sum?.hours ?? 0) < ctx.requiredHours) return { courseCompleted: true, planCompleted: false }
  // The enrolment is orders' row: its function marks it, in this transaction.
  const completed = await markEnrollmentCompleted(tx, ctx.userId, ctx.projectId, now)
  return { courseCompleted: true, planCompleted: completed }
}
