import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import type { LearningCourse } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { categories, chapterProgress, chapters, courseCompletions, courses, enrollments, projects } from '../../db/schema.ts'

/** The learner's active enrolments with their projects (one project when `projectId` is given). */
export function findEnrolledPlans(db: AppDb, userId: number, projectId?: number) {
  return db
    .select({
      projectId: projects.id,
      title: projects.title,
      year: projects.year,
      categoryName: categories.name,
      coverUrl: projects.coverUrl,
      requiredHours: projects.requiredHours,
      completedAt: enrollments.completedAt,
    })
    .from(enrollments)
    .innerJoin(projects, eq(projects.id, enrollments.projectId))
    .innerJoin(categories, eq(categories.id, projects.categoryId))
    .where(and(eq(enrollments.userId, userId), eq(enrollments.status, 'active'), projectId === undefined ? undefined : eq(projects.id, projectId)))
    .orderBy(sql`${projects.year} desc`, asc(categories.sort), asc(projects.id))
}

export function countCourses(db: AppDb, projectIds: number[]) {
  return db.select({ projectId: courses.projectId, n: count() }).from(courses).where(inArray(courses.projectId, projectIds)).groupBy(courses.projectId)
}

/** Per project: the learner's completed courses and the hours they count. */
export function sumCompletions(db: AppDb, userId: number, projectIds: number[]) {
  return db
    .select({ projectId: courseCompletions.projectId, n: count(), hours: sql<string>`coalesce(sum(${courseCompletions.hours}), 0)` })
    .from(courseCompletions)
    .where(and(eq(courseCompletions.userId, userId), inArray(courseCompletions.projectId, projectIds)))
    .groupBy(courseCompletions.projectId)
}

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

export async function findCourseProject(db: AppDb, courseId: number): Promise<number | undefined> {
  const [row] = await db.select({ projectId: courses.projectId }).from(courses).where(eq(courses.id, courseId))
  return row?.projectId
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
