import { inArray, sql, type SQL } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { categories, chapters, courses, projects, questions } from '../../db/schema/catalogue.ts'

/**
 * The content import's reads and upserts (catalogue-import.service.ts decides what to write; each
 * call takes the import's transaction). Rows are created or updated in place by their codes, never
 * deleted.
 */

/** Whether any project exists; an empty catalogue is seeded with the demo content at start-up. */
export async function hasCatalogue(db: AppDb): Promise<boolean> {
  const rows = await db.select({ id: projects.id }).from(projects).limit(1)
  return rows.length > 0
}

/** `set` for an upsert that takes each field from the proposed row (`excluded.<column>`). */
function excluded<F extends string>(fields: readonly F[]): Record<F, SQL> {
  const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
  return Object.fromEntries(fields.map((f) => [f, sql.raw(`excluded."${snake(f)}"`)])) as Record<F, SQL>
}

export async function findCategoriesByCode(db: AppDb, codes: string[]) {
  return db.select().from(categories).where(inArray(categories.code, codes))
}

export async function upsertCategoryRows(db: AppDb, rows: (typeof categories.$inferInsert)[], fields: readonly (keyof typeof categories.$inferInsert & string)[]) {
  return db.insert(categories).values(rows).onConflictDoUpdate({ target: categories.code, set: excluded(fields) }).returning({ id: categories.id, code: categories.code })
}

export async function findProjectsByCode(db: AppDb, codes: string[]) {
  return db.select().from(projects).where(inArray(projects.code, codes))
}

export async function upsertProjectRows(db: AppDb, rows: (typeof projects.$inferInsert)[], fields: readonly (keyof typeof projects.$inferInsert & string)[]) {
  return db
    .insert(projects)
    .values(rows)
    .onConflictDoUpdate({ target: projects.code, set: { ...excluded(fields), updatedAt: sql`now()` } })
    .returning({ id: projects.id, code: projects.code })
}

export async function findCoursesOfProjects(db: AppDb, projectIds: number[]) {
  return db.select().from(courses).where(inArray(courses.projectId, projectIds))
}

export async function upsertCourseRows(db: AppDb, rows: (typeof courses.$inferInsert)[], fields: readonly (keyof typeof courses.$inferInsert & string)[]) {
  return db
    .insert(courses)
    .values(rows)
    .onConflictDoUpdate({ target: [courses.projectId, courses.code], set: excluded(fields) })
    .returning({ id: courses.id, projectId: courses.projectId, code: courses.code })
}

export async function findChaptersOfCourses(db: AppDb, courseIds: number[]) {
  return db.select().from(chapters).where(inArray(chapters.courseId, courseIds))
}

export async function upsertChapterRows(db: AppDb, rows: (typeof chapters.$inferInsert)[], fields: readonly (keyof typeof chapters.$inferInsert & string)[]) {
  return db.insert(chapters).values(rows).onConflictDoUpdate({ target: [chapters.courseId, chapters.code], set: excluded(fields) }).returning({ id: chapters.id })
}

export async function findQuestionsOfCourses(db: AppDb, courseIds: number[]) {
  return db.select().from(questions).where(inArray(questions.courseId, courseIds))
}

export async function upsertQuestionRows(db: AppDb, rows: (typeof questions.$inferInsert)[], fields: readonly (keyof typeof questions.$inferInsert & string)[]) {
  return db.insert(questions).values(rows).onConflictDoUpdate({ target: [questions.courseId, questions.code], set: excluded(fields) }).returning({ id: questions.id })
}
