import { and, asc, eq, notInArray, sql } from 'drizzle-orm'
import type { LearningCourse } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { chapters, courses } from '../../db/schema/catalogue.ts'
import { chapterProgress, courseCompletions } from '../../db/schema/learning.ts'

/**
 * The third documented exception to table ownership (docs/architecture.md, "Table owners"): a
 * learner's chapter progress joined onto the catalogue's courses and chapters in one statement —
 * the course page, the player and, inside the progress transaction, whether a course has chapters
 * left (the progress path, bench:progress). Composing the catalogue's read model would cost a
 * second round trip on every completed chapter. Read-only.
 */

/** Courses (of a project, or one course) with the learner's chapter counts, a page at a time. */
export async function findCourses(
  db: AppDb,
  userId: number,
  which: { projectId: number } | { courseId: number },
  page?: { offset: number; limit: number },
): Promise<LearningCourse[]> {
  const where = 'courseId' in which ? eq(courses.id, which.courseId) : eq(courses.projectId, which.projectId)
  let query = db
    .select({
      id: courses.id,
      title: courses.title,
      lecturer: courses.lecturer,
      hours: courses.hours,
      coverUrl: courses.coverUrl,
      chapterCount: sql<number>`count(${chapters.id})::int`,
      completedChapterCount: sql<number>`count(${chapterProgress.completedAt})::int`,
    })
    .from(courses)
    .leftJoin(chapters, eq(chapters.courseId, courses.id))
    .leftJoin(chapterProgress, and(eq(chapterProgress.chapterId, chapters.id), eq(chapterProgress.userId, userId)))
    .where(where)
    .groupBy(courses.id)
    .orderBy(asc(courses.sort), asc(courses.id))
    .$dynamic()
  if (page) query = query.offset(page.offset).limit(page.limit)
  const rows = await query
  return rows.map((r) => ({
    ...r,
    chapterCount: Number(r.chapterCount),
    completedChapterCount: Number(r.completedChapterCount),
    completed: Number(r.chapterCount) > 0 && Number(r.completedChapterCount) === Number(r.chapterCount),
  }))
}

/** A course's chapters in order, with the learner's progress in each. */
export function findChaptersWithProgress(db: AppDb, userId: number, courseId: number) {
  return db
    .select({ chapter: chapters, progress: chapterProgress })
    .from(chapters)
    .leftJoin(chapterProgress, and(eq(chapterProgress.chapterId, chapters.id), eq(chapterProgress.userId, userId)))
    .where(eq(chapters.courseId, courseId))
    .orderBy(asc(chapters.sort), asc(chapters.id))
}

/** Chapters of the course the learner has not completed, besides those this batch completes (in the progress transaction). */
export async function countOpenChapters(tx: AppDb | AppTx, userId: number, courseId: number, completedNow: number[]): Promise<number> {
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(chapters)
    .leftJoin(chapterProgress, and(eq(chapterProgress.chapterId, chapters.id), eq(chapterProgress.userId, userId)))
    .where(and(eq(chapters.courseId, courseId), notInArray(chapters.id, completedNow), sql`${chapterProgress.completedAt} is null`))
  return Number(open?.n ?? 0)
}

/**
 * Per course the learner has watched (我的个人信息): its project, title and hours, the video credited
 * (milliseconds) and when it was completed, by project then the catalogue's course order.
 */
export async function watchedCourses(db: AppDb, userId: number) {
  const rows = await db
    .select({
      projectId: courses.projectId,
      courseTitle: courses.title,
      hours: courses.hours,
      creditedMs: sql<string>`sum(${chapterProgress.creditedMs})`,
      completedAt: courseCompletions.completedAt,
    })
    .from(chapterProgress)
    .innerJoin(chapters, eq(chapters.id, chapterProgress.chapterId))
    .innerJoin(courses, eq(courses.id, chapters.courseId))
    .leftJoin(courseCompletions, and(eq(courseCompletions.userId, userId), eq(courseCompletions.courseId, courses.id)))
    .where(eq(chapterProgress.userId, userId))
    .groupBy(courses.projectId, courses.id, courses.title, courses.hours, courses.sort, courseCompletions.completedAt)
    .orderBy(asc(courses.projectId), asc(courses.sort), asc(courses.id))
  return rows.map(({ creditedMs, ...r }) => ({ ...r, creditedMs: Number(creditedMs) }))
}
