import { and, asc, eq } from 'drizzle-orm'
import type { AppDb } from '../src/db/client.ts'
import { newOutTradeNo } from '../src/modules/orders/orders.rules.ts'
import { chapters, courses, enrollments, orderItems, orders, projects } from '../src/db/schema.ts'

/** Enrols a learner in a project as a paid individual order would (for tests that are not about paying). */
export async function enrol(db: AppDb, userId: number, projectId: number, now = new Date()): Promise<void> {
  const [project] = await db.select().from(projects).where(eq(projects.id, projectId))
  if (!project) throw new Error(`no project ${projectId}`)
  const [order] = await db
    .insert(orders)
    .values({
      // The app's own numbers (random, and as long as what pages show); a time + counter read after
      // an await collided when enrolments ran in parallel.
      outTradeNo: newOutTradeNo(now),
      buyerUserId: userId,
      kind: 'individual',
      projectId,
      unitPriceFen: project.priceFen,
      quantity: 1,
      amountFen: project.priceFen,
      status: 'paid',
      invoice: { choice: 'later' },
      createdAt: now,
      expiresAt: now,
      paidAt: now,
    })
    .returning()
  if (!order) throw new Error('order insert failed')
  await db.insert(orderItems).values({ orderId: order.id, learnerUserId: userId, projectId })
  await db.insert(enrollments).values({ userId, projectId, orderId: order.id, status: 'active', createdAt: now })
}

/** The public-subjects project's courses with their chapters, in display order. */
export async function courseOutline(db: AppDb, projectId: number) {
  const rows = await db
    .select({ courseId: courses.id, hours: courses.hours, chapterId: chapters.id, durationSeconds: chapters.durationSeconds })
    .from(courses)
    .innerJoin(chapters, eq(chapters.courseId, courses.id))
    .where(and(eq(courses.projectId, projectId)))
    .orderBy(asc(courses.sort), asc(courses.id), asc(chapters.sort), asc(chapters.id))
  const byCourse = new Map<number, { courseId: number; hours: number; chapters: { id: number; durationSeconds: number }[] }>()
  for (const r of rows) {
    const entry = byCourse.get(r.courseId) ?? { courseId: r.courseId, hours: r.hours, chapters: [] }
    entry.chapters.push({ id: r.chapterId, durationSeconds: r.durationSeconds })
    byCourse.set(r.courseId, entry)
  }
  return [...byCourse.values()]
}
