import { and, asc, eq, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { categories, chapters, courses, projects } from '../../db/schema/catalogue.ts'

const courseStats = (db: AppDb) =>
  db
    .select({
      projectId: courses.projectId,
      courseCount: sql<number>`count(*)::int`.as('course_count'),
      totalHours: sql<string>`coalesce(sum(${courses.hours}), 0)`.as('total_hours'),
    })
    .from(courses)
    .groupBy(courses.projectId)
    .as('course_stats')

export interface ProjectRow {
  id: number
  title: string
  year: number
  categoryId: number
  categoryCode: string
  categoryName: string
  description: string
  priceFen: number
  requiredHours: number
  coverUrl: string | null
  courseCount: number
  totalHours: number
}

/** Published projects with their category and course totals, newest year first. */
export async function listPublishedProjects(db: AppDb, projectId?: number): Promise<ProjectRow[]> {
  const stats = courseStats(db)
  const rows = await db
    .select({
      id: projects.id,
      title: projects.title,
      year: projects.year,
      categoryId: projects.categoryId,
      categoryCode: categories.code,
      categoryName: categories.name,
      description: projects.description,
      priceFen: projects.priceFen,
      requiredHours: projects.requiredHours,
      coverUrl: projects.coverUrl,
      courseCount: sql<number>`coalesce(${stats.courseCount}, 0)`,
      totalHours: sql<string>`coalesce(${stats.totalHours}, 0)`,
    })
    .from(projects)
    .innerJoin(categories, eq(categories.id, projects.categoryId))
    .leftJoin(stats, eq(stats.projectId, projects.id))
    .where(and(eq(projects.published, 1), projectId === undefined ? undefined : eq(projects.id, projectId)))
    .orderBy(asc(categories.sort), sql`${projects.year} desc`, asc(projects.sort), asc(projects.id))
  return rows.map((r) => ({ ...r, courseCount: Number(r.courseCount), totalHours: Number(r.totalHours) }))
}

export async function listCategories(db: AppDb) {
  return db
    .select({ id: categories.id, code: categories.code, name: categories.name })
    .from(categories)
    .orderBy(asc(categories.sort), asc(categories.id))
}

/** A project's courses with chapter counts and total video duration, in display order. */
export async function listProjectCourses(db: AppDb, projectId: number) {
  const rows = await db
    .select({
      id: courses.id,
      title: courses.title,
      lecturer: courses.lecturer,
      hours: courses.hours,
      coverUrl: courses.coverUrl,
      chapterCount: sql<number>`count(${chapters.id})::int`,
      durationSeconds: sql<number>`coalesce(sum(${chapters.durationSeconds}), 0)::int`,
    })
    .from(courses)
    .leftJoin(chapters, eq(chapters.courseId, courses.id))
    .where(eq(courses.projectId, projectId))
    .groupBy(courses.id)
    .orderBy(asc(courses.sort), asc(courses.id))
  return rows.map((r) => ({ ...r, chapterCount: Number(r.chapterCount), durationSeconds: Number(r.durationSeconds) }))
}

/** A project's title (for an order's summary); empty when the project is gone. */
export async function projectTitle(db: AppDb, projectId: number): Promise<string> {
  const [row] = await db.select({ title: projects.title }).from(projects).where(eq(projects.id, projectId))
  return row?.title ?? ''
}
