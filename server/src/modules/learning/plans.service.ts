import type { CoursePlayer, LearningCoursePage, TrainingPlan } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { CourseNotFoundError, NotEnrolledError } from './learning.errors.ts'
import { countCourses, findCourseProject, planProjects } from '../catalogue/catalogue.read-model.ts'
import { activeEnrollments } from '../orders/orders.read-model.ts'
import { findChaptersWithProgress, findCourses } from './course-progress.read-model.ts'
import { sumCompletions } from './plans.repository.ts'
import { planProgress } from './plans.rules.ts'
import { chapterState } from './progress.rules.ts'

/** The learner's active enrolments with their projects, in the catalogue's order: orders' and the catalogue's read models. */
async function findEnrolledPlans(db: AppDb, userId: number, projectId?: number) {
  const enrolled = await activeEnrollments(db, userId, projectId)
  if (enrolled.length === 0) return []
  const completedAt = new Map(enrolled.map((e) => [e.projectId, e.completedAt]))
  const projects = await planProjects(db, enrolled.map((e) => e.projectId))
  return projects.map((p) => ({ ...p, completedAt: completedAt.get(p.projectId) ?? null }))
}

/** 课程培训: the learner's active enrolments with requirement and completion (LRN-1, LRN-2). */
export async function listPlans(db: AppDb, userId: number, projectId?: number): Promise<TrainingPlan[]> {
  const rows = await findEnrolledPlans(db, userId, projectId)
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.projectId)
  const [courseCounts, done] = await Promise.all([countCourses(db, ids), sumCompletions(db, userId, ids)])
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

/** 进入学习: one page of a plan's courses with the learner's progress (LRN-1, 「切换页码」). */
export async function coursePage(db: AppDb, userId: number, projectId: number, page: number, pageSize: number): Promise<LearningCoursePage> {
  const [plan] = await listPlans(db, userId, projectId)
  if (!plan) throw new NotEnrolledError()
  const courseList = await findCourses(db, userId, { projectId }, { offset: (page - 1) * pageSize, limit: pageSize })
  return { plan, courses: courseList, page, pageSize, total: plan.courseCount }
}

/** The player's view of a course: its chapters with resume points and states (LRN-3). */
export async function coursePlayer(db: AppDb, userId: number, courseId: number): Promise<CoursePlayer> {
  const [course] = await findCourses(db, userId, { courseId })
  const projectId = await findCourseProject(db, courseId)
  if (!course || projectId === undefined) throw new CourseNotFoundError()
  const [plan] = await listPlans(db, userId, projectId)
  if (!plan) throw new NotEnrolledError()
  const rows = await findChaptersWithProgress(db, userId, courseId)
  return { course, projectId, chapters: rows.map((r) => chapterState(r.chapter, r.progress ?? undefined)) }
}
