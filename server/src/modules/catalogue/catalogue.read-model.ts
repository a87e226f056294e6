import { and, eq, inArray } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { categories, chapters, courses, projects } from '../../db/schema.ts'
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

/** Title and required 学时 of each of these projects, in one query. */
export async function projectSummaries(db: AppDb, projectIds: number[]): Promise<Map<number, { title: string; requiredHours: number }>> {
  if (projectIds.length === 0) return new Map()
  const rows = await db
    .select({ id: projects.id, title: projects.title, requiredHours: projects.requiredHours })
    .from(projects)
    .where(inArray(projects.id, [...new Set(projectIds)]))
  return new Map(rows.map((r) => [r.id, { title: r.title, requiredHours: r.requiredHours }]))
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
