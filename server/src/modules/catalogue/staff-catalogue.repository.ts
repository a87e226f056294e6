import { asc, count, desc, eq, inArray, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { categories, chapters, courses, projects } from '../../db/schema/catalogue.ts'

/** The console's 课程与项目 (docs/staff.md): every project, published or not, with its content. */

/** A project with a course whose question bank is empty. */
// Column references inside raw SQL are written out with their table: drizzle renders a column
// unqualified in some positions, where a subquery's own "id" would capture it.
const hasEmptyBank = sql`exists (select 1 from courses c where c.project_id = "projects"."id"
  and not exists (select 1 from questions q where q.course_id = c.id))`

export async function listProjectsForStaff(db: AppDb, filter: { emptyBanksOnly: boolean }, page: { page: number; pageSize: number }) {
  const where = filter.emptyBanksOnly ? hasEmptyBank : undefined
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: projects.id,
        code: projects.code,
        title: projects.title,
        categoryName: categories.name,
        year: projects.year,
        priceFen: projects.priceFen,
        requiredHours: projects.requiredHours,
        published: projects.published,
      })
      .from(projects)
      .innerJoin(categories, eq(categories.id, projects.categoryId))
      .where(where)
      .orderBy(desc(projects.year), asc(categories.sort), asc(projects.sort), asc(projects.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(projects).where(where),
  ])
  return { items, total: total?.n ?? 0 }
}

/** The courses of these projects with their question counts, and their chapters, in two queries. */
export async function coursesOfProjects(db: AppDb, projectIds: number[]) {
  if (projectIds.length === 0) return { courseRows: [], chapterRows: [] }
  const courseRows = await db
    .select({
      id: courses.id,
      projectId: courses.projectId,
      code: courses.code,
      title: courses.title,
      hours: courses.hours,
      questionCount: sql<number>`(select count(*)::int from questions q where q.course_id = "courses"."id")`,
    })
    .from(courses)
    .where(inArray(courses.projectId, projectIds))
    .orderBy(asc(courses.sort), asc(courses.id))
  const courseIds = courseRows.map((c) => c.id)
  const chapterRows =
    courseIds.length === 0
      ? []
      : await db
          .select({ id: chapters.id, courseId: chapters.courseId, code: chapters.code, title: chapters.title, durationSeconds: chapters.durationSeconds })
          .from(chapters)
          .where(inArray(chapters.courseId, courseIds))
          .orderBy(asc(chapters.sort), asc(chapters.id))
  return { courseRows, chapterRows }
}

/** 发布 / 下架: answers the project's state before the change (locked), or undefined when it does not exist. */
export async function setProjectPublished(tx: AppDb | AppTx, projectId: number, published: boolean, now: Date): Promise<{ wasPublished: boolean } | undefined> {
  const [before] = await tx.select({ published: projects.published }).from(projects).where(eq(projects.id, projectId)).for('update')
  if (!before) return undefined
  await tx
    .update(projects)
    .set({ published: published ? 1 : 0, updatedAt: now })
    .where(eq(projects.id, projectId))
  return { wasPublished: before.published === 1 }
}
