import { and, eq, sql } from 'drizzle-orm'
import { CHAPTER_END_TOLERANCE_SECONDS, type ChapterProgress, type ChapterState } from '@app/shared'
import { chapterProgress, chapters, courseCompletions, courses, enrollments, projects } from '../../db/schema.ts'
import type { Tx } from './learning.types.ts'

export type ProgressRow = typeof chapterProgress.$inferSelect
type ChapterRow = typeof chapters.$inferSelect

export function chapterState(chapter: Pick<ChapterRow, 'id' | 'title' | 'videoUrl' | 'durationSeconds'>, progress: Pick<ProgressRow, 'creditedMs' | 'furthestMs' | 'completedAt'> | undefined): ChapterState {
  return {
    id: chapter.id,
    title: chapter.title,
    videoUrl: chapter.videoUrl,
    durationSeconds: chapter.durationSeconds,
    resumeAtSeconds: (progress?.furthestMs ?? 0) / 1000,
    creditedSeconds: (progress?.creditedMs ?? 0) / 1000,
    completed: !!progress?.completedAt,
  }
}

/** The numbers of a chapter's progress, as progress answers carry them. */
export function chapterProgressOf(chapterId: number, progress: Pick<ProgressRow, 'creditedMs' | 'furthestMs' | 'completedAt'> | undefined): ChapterProgress {
  return {
    id: chapterId,
    resumeAtSeconds: (progress?.furthestMs ?? 0) / 1000,
    creditedSeconds: (progress?.creditedMs ?? 0) / 1000,
    completed: !!progress?.completedAt,
  }
}

/** A chapter is watched when both credit and furthest position reach the end (within a few seconds). */
export function isChapterWatched(progress: Pick<ProgressRow, 'creditedMs' | 'furthestMs'>, durationSeconds: number): boolean {
  const endMs = Math.max(0, (durationSeconds - CHAPTER_END_TOLERANCE_SECONDS) * 1000)
  return progress.creditedMs >= endMs && progress.furthestMs >= endMs
}

export async function lockProgress(tx: Tx, userId: number, chapterId: number, now: Date): Promise<ProgressRow> {
  await tx.insert(chapterProgress).values({ userId, chapterId, updatedAt: now }).onConflictDoNothing()
  const [row] = await tx
    .select()
    .from(chapterProgress)
    .where(and(eq(chapterProgress.userId, userId), eq(chapterProgress.chapterId, chapterId)))
    .for('update')
  if (!row) throw new Error('chapter progress missing')
  return row
}

/** The chapter with its course and project, for checks and completion. */
export async function findChapterContext(tx: Tx, chapterId: number) {
  const [row] = await tx
    .select({ chapter: chapters, courseId: courses.id, courseHours: courses.hours, projectId: courses.projectId, requiredHours: projects.requiredHours })
    .from(chapters)
    .innerJoin(courses, eq(courses.id, chapters.courseId))
    .innerJoin(projects, eq(projects.id, courses.projectId))
    .where(eq(chapters.id, chapterId))
  return row
}

export async function hasActiveEnrollment(tx: Tx, userId: number, projectId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: enrollments.id })
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId), eq(enrollments.status, 'active')))
  return !!row
}

/**
 * After a chapter completes: the course counts when every chapter is complete, and the plan is
 * complete when counted hours reach its requirement (LRN-6). Runs inside the report's transaction.
 */
export async function completeCourseAndPlan(
  tx: Tx,
  ctx: { userId: number; courseId: number; courseHours: number; projectId: number; requiredHours: number },
  now: Date,
): Promise<{ courseCompleted: boolean; planCompleted: boolean }> {
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(chapters)
    .leftJoin(chapterProgress, and(eq(chapterProgress.chapterId, chapters.id), eq(chapterProgress.userId, ctx.userId)))
    .where(and(eq(chapters.courseId, ctx.courseId), sql`${chapterProgress.completedAt} is null`))
  if (Number(open?.n ?? 0) > 0) return { courseCompleted: false, planCompleted: false }
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
  const completed = await tx
    .update(enrollments)
    .set({ completedAt: now })
    .where(
      and(
        eq(enrollments.userId, ctx.userId),
        eq(enrollments.projectId, ctx.projectId),
        eq(enrollments.status, 'active'),
        sql`${enrollments.completedAt} is null`,
      ),
    )
    .returning({ id: enrollments.id })
  return { courseCompleted: true, planCompleted: completed.length > 0 }
}
