import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import type { CoursePlayer, LearningCourse, LearningCoursePage, TrainingPlan } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { categories, chapterProgress, chapters, courseCompletions, courses, enrollments, projects } from '../../db/schema.ts'
import { CourseNotFoundError, NotEnrolledError } from './learning.errors.ts'
import { chapterState } from './progress.repository.ts'

/** 计划完成度: hours counted over hours required, rounded down, and what is left (LRN-2). */
export function planProgress(requiredHours: number, countedHours: number) {
  const counted = Math.round(countedHours * 10) / 10
  return {
    countedHours: counted,
    remainingHours: Math.max(0, Math.round((requiredHours - counted) * 10) / 10),
    percent: requiredHours <= 0 ? 100 : Math.min(100, Math.floor((counted / requiredHours) * 100)),
  }
}

/** 课程培训: the learner's active enrolments with requirement and completion (LRN-1, LRN-2). */
export async function listPlans(db: AppDb, userId: number, projectId?: number): Promise<TrainingPlan[]> {
  const rows = await db
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
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.projectId)
  const [courseCounts, done] = await Promise.all([
    db.select({ projectId: courses.projectId, n: count() }).from(courses).where(inArray(courses.projectId, ids)).groupBy(courses.projectId),
    db
      .select({ projectId: courseCompletions.projectId, n: count(), hours: sql<string>`coalesce(sum(${courseCompletions.hours}), 0)` })
      .from(courseCompletions)
      .where(and(eq(courseCompletions.userId, userId), inArray(courseCompletions.projectId, ids)))
      .groupBy(courseCompletions.projectId),
  ])
  return rows.map((r) => {
    const finished = done.find((d) => d.projectId === r.projectId)
    return {
      ...r,
      ...planProgress(r.requiredHours, Number(finished?.hours ?? 0)),
      completed: r.completedAt !== null,
      completedAt: r.completedAt?.toISOString() ?? null,
      courseCount: Number(courseCounts.find((c) => c.projectId === r.projectId)?.n ?? 0),
      completedCourseCount: Number(finished?.n ?? 0),
    }
  })
}

async function courseRows(db: AppDb, userId: number, where: ReturnType<typeof eq>, page?: { offset: number; limit: number }): Promise<LearningCourse[]> {
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

/** 进入学习: one page of a plan's courses with the learner's progress (LRN-1, 「切换页码」). */
export async function coursePage(db: AppDb, userId: number, projectId: number, page: number, pageSize: number): Promise<LearningCoursePage> {
  const [plan] = await listPlans(db, userId, projectId)
  if (!plan) throw new NotEnrolledError()
  const courseList = await courseRows(db, userId, eq(courses.projectId, projectId), { offset: (page - 1) * pageSize, limit: pageSize })
  return { plan, courses: courseList, page, pageSize, total: plan.courseCount }
}

/** The player's view of a course: its chapters with resume points and states (LRN-3). */
export async function coursePlayer(db: AppDb, userId: number, courseId: number): Promise<CoursePlayer> {
  const [course] = await courseRows(db, userId, eq(courses.id, courseId))
  const [meta] = await db.select({ projectId: courses.projectId }).from(courses).where(eq(courses.id, courseId))
  if (!course || !meta) throw new CourseNotFoundError()
  const [plan] = await listPlans(db, userId, meta.projectId)
  if (!plan) throw new NotEnrolledError()
  const rows = await db
    .select({ chapter: chapters, progress: chapterProgress })
    .from(chapters)
    .leftJoin(chapterProgress, and(eq(chapterProgress.chapterId, chapters.id), eq(chapterProgress.userId, userId)))
    .where(eq(chapters.courseId, courseId))
    .orderBy(asc(chapters.sort), asc(chapters.id))
  return { course, projectId: meta.projectId, chapters: rows.map((r) => chapterState(r.chapter, r.progress ?? undefined)) }
}
