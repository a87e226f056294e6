import { and, asc, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import { openStored } from '../../crypto/personal-data.ts'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import {
  accountClosures,
  certificates,
  chapterProgress,
  chapters,
  consents,
  courseCompletions,
  courses,
  enrollments,
  invoiceTitles,
  invoices,
  orders,
  projects,
  refunds,
  users,
  wechatBindings,
  type AccountClosureStatus,
} from '../../db/schema.ts'

type Db = AppDb | AppTx

// Every query here is scoped to one account: the learner's own id, never a parameter of the request.

export async function findBinding(db: Db, userId: number) {
  const [row] = await db.select({ createdAt: wechatBindings.createdAt }).from(wechatBindings).where(eq(wechatBindings.userId, userId))
  return row
}

/** Orders the learner bought (individual and group), newest first. */
export async function ordersOf(db: Db, userId: number) {
  return db
    .select({
      outTradeNo: orders.outTradeNo,
      kind: orders.kind,
      projectTitle: projects.title,
      quantity: orders.quantity,
      amountFen: orders.amountFen,
      status: orders.status,
      createdAt: orders.createdAt,
      paidAt: orders.paidAt,
      refundedFen: orders.refundedFen,
    })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .where(eq(orders.buyerUserId, userId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
}

/** The learner's plans (enrolments) with the hours of their completed courses. */
export async function plansOf(db: Db, userId: number) {
  const counted = sql<string>`coalesce((select sum(${courseCompletions.hours}) from ${courseCompletions} where ${courseCompletions.userId} = ${userId} and ${courseCompletions.projectId} = ${enrollments.projectId}), 0)`
  const rows = await db
    .select({
      projectTitle: projects.title,
      year: projects.year,
      requiredHours: projects.requiredHours,
      countedHours: counted,
      enrolledAt: enrollments.createdAt,
      completedAt: enrollments.completedAt,
    })
    .from(enrollments)
    .innerJoin(projects, eq(projects.id, enrollments.projectId))
    .where(eq(enrollments.userId, userId))
    .orderBy(desc(enrollments.createdAt), desc(enrollments.id))
  return rows.map((r) => ({ ...r, countedHours: Number(r.countedHours) }))
}

/** Per course the learner has watched: its hours, the video credited, and completion. */
export async function coursesOf(db: Db, userId: number) {
  const rows = await db
    .select({
      projectTitle: projects.title,
      courseTitle: courses.title,
      courseId: courses.id,
      hours: courses.hours,
      creditedMs: sql<string>`sum(${chapterProgress.creditedMs})`,
      completedAt: courseCompletions.completedAt,
    })
    .from(chapterProgress)
    .innerJoin(chapters, eq(chapters.id, chapterProgress.chapterId))
    .innerJoin(courses, eq(courses.id, chapters.courseId))
    .innerJoin(projects, eq(projects.id, courses.projectId))
    .leftJoin(courseCompletions, and(eq(courseCompletions.userId, userId), eq(courseCompletions.courseId, courses.id)))
    .where(eq(chapterProgress.userId, userId))
    .groupBy(projects.id, projects.title, courses.id, courses.title, courses.hours, courses.sort, courseCompletions.completedAt)
    .orderBy(asc(projects.id), asc(courses.sort), asc(courses.id))
  return rows.map(({ courseId: _c, creditedMs, ...r }) => ({ ...r, creditedMinutes: Math.floor(Number(creditedMs) / 60_000) }))
}

/** The learner's certificates, with the name and ID number printed on each (opened). */
export async function certificatesOf(db: Db, userId: number) {
  const rows = await db
    .select({
      number: certificates.number,
      projectTitle: certificates.projectTitle,
      year: certificates.year,
      hours: certificates.hours,
      realName: certificates.realName,
      legacyIdNumber: certificates.legacyIdNumber,
      idNumberSealed: certificates.idNumberSealed,
      organisationName: certificates.organisationName,
      issuedOn: certificates.issuedOn,
    })
    .from(certificates)
    .where(eq(certificates.userId, userId))
    .orderBy(desc(certificates.id))
  return rows.map(({ legacyIdNumber, idNumberSealed, ...r }) => ({ ...r, idNumber: openStored('id_number', idNumberSealed, legacyIdNumber) }))
}

export async function invoicesOf(db: Db, userId: number) {
  return db
    .select({
      outTradeNo: orders.outTradeNo,
      state: invoices.state,
      titleType: invoices.titleType,
      title: invoices.title,
      taxpayerId: invoices.taxpayerId,
      email: invoices.email,
      amountFen: invoices.amountFen,
      number: invoices.number,
      issuedAt: invoices.issuedAt,
    })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .where(eq(invoices.ownerUserId, userId))
    .orderBy(desc(invoices.id))
}

export async function invoiceTitlesOf(db: Db, userId: number) {
  return db
    .select({ titleType: invoiceTitles.titleType, title: invoiceTitles.title, taxpayerId: invoiceTitles.taxpayerId, email: invoiceTitles.email })
    .from(invoiceTitles)
    .where(eq(invoiceTitles.userId, userId))
    .orderBy(desc(invoiceTitles.updatedAt))
}

export async function consentsOf(db: Db, userId: number) {
  return db
    .select({ policyVersion: consents.policyVersion, kind: consents.kind, grantedAt: consents.grantedAt, client: consents.client })
    .from(consents)
    .where(eq(consents.userId, userId))
    .orderBy(desc(consents.grantedAt), desc(consents.id))
}

/**
 * What stands in the way of closing the account, read under row locks in the closing transaction:
 * the learner's pending orders and those being refunded, refunds still with WeChat, invoices the
 * provider is still issuing or reversing. A payment notification that marks an order paid holds
 * the same order row, so closure and payment happen one after the other.
 */
export async function closureBlockers(db: Db, userId: number): Promise<{ orderPending: boolean; refundInProgress: boolean; invoiceInProgress: boolean }> {
  const openOrders = await db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.buyerUserId, userId), inArray(orders.status, ['pending', 'refunding'])))
    .for('update')
  const [refund] = await db
    .select({ id: refunds.id })
    .from(refunds)
    .innerJoin(orders, eq(orders.id, refunds.orderId))
    .where(and(eq(orders.buyerUserId, userId), inArray(refunds.status, ['requested', 'processing'])))
    .limit(1)
  const [invoice] = await db
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.ownerUserId, userId), inArray(invoices.state, ['requested', 'reversing'])))
    .limit(1)
    .for('update')
  return {
    orderPending: openOrders.some((o) => o.status === 'pending'),
    refundInProgress: openOrders.some((o) => o.status === 'refunding') || !!refund,
    invoiceInProgress: !!invoice,
  }
}

export async function findClosureOf(db: Db, userId: number) {
  const [row] = await db.select().from(accountClosures).where(eq(accountClosures.userId, userId))
  return row
}

export async function findClosureForUpdate(tx: AppTx, id: number) {
  const [row] = await tx.select().from(accountClosures).where(eq(accountClosures.id, id)).for('update')
  return row
}

/** Records a refused request (or refreshes the account's record with the latest reasons). */
export async function recordRefusal(db: Db, userId: number, blockers: string[], now: Date): Promise<void> {
  await db
    .insert(accountClosures)
    .values({ userId, status: 'refused', blockers, requestedAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: accountClosures.userId, set: { status: 'refused', blockers, requestedAt: now, updatedAt: now } })
}

/** Records the closure; a refused record of the same account becomes the closed one. */
export async function recordClosure(
  tx: AppTx,
  userId: number,
  closure: { closedBy: 'self' | 'staff'; staffId: number | null; note: string | null },
  now: Date,
): Promise<void> {
  const values = { status: 'closed' as const, blockers: [], closedAt: now, ...closure, updatedAt: now }
  await tx
    .insert(accountClosures)
    .values({ userId, requestedAt: now, ...values })
    .onConflictDoUpdate({ target: accountClosures.userId, set: values })
}

/** The name that replaces a closed account's real name. */
export const CLOSED_ACCOUNT_NAME = '已注销用户'

/**
 * Removes the account's sign-in identifiers and personal data: the blind indexes go (the ID number
 * and phone are free to register again), the sealed values and the plain columns of a row not yet
 * migrated are replaced by sealed empty values (so code that opens the row still opens it), the
 * name is anonymised, and the password can match nothing. The row itself stays: orders, invoices,
 * certificates and consents reference it.
 */
export async function anonymiseUser(tx: AppTx, userId: number, emptySealed: { idNumber: string; phone: string }, now: Date): Promise<void> {
  await tx
    .update(users)
    .set({
      realName: CLOSED_ACCOUNT_NAME,
      legacyIdNumber: null,
      legacyPhone: null,
      idNumberIndex: null,
      phoneIndex: null,
      idNumberSealed: emptySealed.idNumber,
      phoneSealed: emptySealed.phone,
      passwordHash: 'closed',
      sessionVersion: sql`${users.sessionVersion} + 1`,
      mustChangePassword: false,
      updatedAt: now,
    })
    .where(eq(users.id, userId))
}

export async function deleteBinding(tx: AppTx, userId: number): Promise<number> {
  const rows = await tx.delete(wechatBindings).where(eq(wechatBindings.userId, userId)).returning({ id: wechatBindings.id })
  return rows.length
}

export async function deleteInvoiceTitles(tx: AppTx, userId: number): Promise<number> {
  const rows = await tx.delete(invoiceTitles).where(eq(invoiceTitles.userId, userId)).returning({ id: invoiceTitles.id })
  return rows.length
}

/** Staff's page of closure records, newest activity first, with the account's current name and phone (masked by the caller). */
export async function listClosures(db: Db, filter: { status?: AccountClosureStatus; page: number; pageSize: number; id?: number }) {
  const where = and(filter.status ? eq(accountClosures.status, filter.status) : undefined, filter.id === undefined ? undefined : eq(accountClosures.id, filter.id))
  const rows = await db
    .select({
      closure: accountClosures,
      realName: users.realName,
      legacyPhone: users.legacyPhone,
      phoneSealed: users.phoneSealed,
    })
    .from(accountClosures)
    .innerJoin(users, eq(users.id, accountClosures.userId))
    .where(where)
    .orderBy(desc(accountClosures.updatedAt), desc(accountClosures.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
  const [total] = await db.select({ n: count() }).from(accountClosures).where(where)
  return { rows, total: total?.n ?? 0 }
}

/** Whether the account has been closed (its export link and every other way in stop working). */
export async function isClosed(db: Db, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: accountClosures.id })
    .from(accountClosures)
    .where(and(eq(accountClosures.userId, userId), eq(accountClosures.status, 'closed'), isNotNull(accountClosures.closedAt)))
  return !!row
}
