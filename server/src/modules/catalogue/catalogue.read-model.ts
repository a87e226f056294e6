import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm'
import type { AntiIdleQuestion } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { categories, chapters, courses, projects, questions } from '../../db/schema/catalogue.ts'
import { DEMO_CATEGORY_CODE } from './demo-content.rules.ts'

/**
 * What other features may read of the catalogue (docs/architecture.md, "Table owners"): plain
 * rows, batched by ids.
 */

export { projectTitle } from './catalogue.repository.ts'

/** A published project's id, title and price (a group order is priced from it). */
export async function findPublishedProject(db: AppDb, projectId: number): Promise<{ id: number; title: string; priceFen: number } | undefined> {
  const [row] = await db
    .select({ id: projects.id, title: projects.title, priceFen: projects.priceFen })
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.published, 1)))
  return row
}

/** Title, year and required 学时 of each of these projects, in one query. */
export async function projectSummaries(db: AppDb | AppTx, projectIds: number[]): Promise<Map<number, { title: string; year: number; requiredHours: number }>> {
  if (projectIds.length === 0) return new Map()
  const rows = await db
    .select({ id: projects.id, title: projects.title, year: projects.year, requiredHours: projects.requiredHours })
    .from(projects)
    .where(inArray(projects.id, [...new Set(projectIds)]))
  return new Map(rows.map((r) => [r.id, { title: r.title, year: r.year, requiredHours: r.requiredHours }]))
}

/** Whether the project is one of the demo content's 体验 projects (its certificates are 样例). */
export async function isDemoProject(db: AppDb, projectId: number): Promise<boolean> {
  const rows = await db
    .select({ id: projects.id })
    .from(projects)
    .innerJoin(categories, eq(categories.id, projects.categoryId))
    .where(and(eq(projects.id, projectId), eq(categories.code, DEMO_CATEGORY_CODE)))
  return rows.length > 0
}

/** The chapter with its course and project, for learning's checks and completion. */
export async function findChapterContext(db: AppDb | AppTx, chapterId: number) {
  const [row] = await db
    .select({ chapter: chapters, courseId: courses.id, courseHours: courses.hours, projectId: courses.projectId, requiredHours: projects.requiredHours })
    .from(chapters)
    .innerJoin(courses, eq(courses.id, chapters.courseId))
    .innerJoin(projects, eq(projects.id, courses.projectId))
    .where(eq(chapters.id, chapterId))
  return row
}

/**
 * What 课程培训 shows of each of these projects, in the catalogue's order (year, newest first; then
 * the category's place; then the project), in one query.
 */
export async function planProjects(db: AppDb, projectIds: number[]) {
  if (projectIds.length === 0) return []
  return db
    .select({
      projectId: projects.id,
      title: projects.title,
      year: projects.year,
      categoryName: categories.name,
      coverUrl: projects.coverUrl,
      requiredHours: projects.requiredHours,
    })
    .from(projects)
    .innerJoin(categories, eq(categories.id, projects.categoryId))
    .where(inArray(projects.id, projectIds))
    .orderBy(sql`${projects.year} desc`, asc(categories.sort), asc(projects.id))
}

/** How many courses each of these projects has. */
export function countCourses(db: AppDb, projectIds: number[]) {
  return db.select({ projectId: courses.projectId, n: count() }).from(courses).where(inArray(courses.projectId, projectIds)).groupBy(courses.projectId)
}

/** The project a course belongs to. */
export async function findCourseProject(db: AppDb, courseId: number): Promise<number | undefined> {
  const [row] = await db.select({ projectId: courses.projectId }).from(courses).where(eq(courses.id, courseId))
  return row?.projectId
}

/* The anti-idle question bank (learning asks; the bank is content). */

/** A random question of the course's bank, other than `exceptId` when the bank has more than one. */
export async function pickQuestion(tx: AppDb | AppTx, courseId: number, exceptId: number | null): Promise<number | null> {
  const [row] = await tx
    .select({ id: questions.id })
    .from(questions)
    .where(and(eq(questions.courseId, courseId), exceptId === null ? undefined : ne(questions.id, exceptId)))
    .orderBy(sql`random()`)
    .limit(1)
  if (row) return row.id
  return exceptId
}

/** The question as shown to the learner: prompt and options, never the answer. */
export async function publicQuestion(tx: AppDb | AppTx, questionId: number | null): Promise<AntiIdleQuestion | null> {
  if (questionId === null) return null
  const [row] = await tx.select({ id: questions.id, prompt: questions.prompt, options: questions.options }).from(questions).where(eq(questions.id, questionId))
  return row ?? null
}

export async function findQuestion(tx: AppDb | AppTx, questionId: number) {
  const [row] = await tx.select().from(questions).where(eq(questions.id, questionId))
  return row
}
