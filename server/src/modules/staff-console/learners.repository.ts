import { and, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { AppDb } from '../../db/client.ts'
import { bulkRegisteredUsers, certificates, enrollments, invoices, orderItems, orders, projects } from '../../db/schema.ts'
import type { Db } from '../auth/sessions.repository.ts'

/**
 * Read-only queries of the staff console's 学员 pages over tables other modules own (orders,
 * certificates, invoices, bulk registration): a learner's records as staff see them. Writes stay
 * with the owning modules; nothing here changes a row.
 */

/** Rows listed in one section of a learner's page (a learner has a handful; the cap bounds the answer). */
export const DETAIL_ROWS = 100

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
}

/** The 单位 filter of a name search: the unit's registration sheet, or a certificate's organisation. */
export function unitNameContains(unit: string): (userId: AnyPgColumn) => SQL {
  const pattern = likePattern(unit.trim())
  return (userId) =>
    or(
      sql`exists (select 1 from ${bulkRegisteredUsers} b where b.user_id = ${userId} and b.unit_name ilike ${pattern})`,
      sql`exists (select 1 from ${certificates} c where c.user_id = ${userId} and c.organisation_name ilike ${pattern})`,
    ) as SQL
}

/** Each learner's 单位 as known: the latest certificate's organisation, else the registration sheet's. */
export async function unitNames(db: AppDb, userIds: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>()
  if (userIds.length === 0) return names
  const sheets = await db.select({ userId: bulkRegisteredUsers.userId, unitName: bulkRegisteredUsers.unitName }).from(bulkRegisteredUsers).where(inArray(bulkRegisteredUsers.userId, userIds))
  for (const row of sheets) names.set(row.userId, row.unitName)
  const certs = await db
    .select({ userId: certificates.userId, name: certificates.organisationName })
    .from(certificates)
    .where(inArray(certificates.userId, userIds))
    .orderBy(certificates.createdAt)
  for (const row of certs) names.set(row.userId, row.name)
  return names
}

/** Orders the learner paid for themselves, and 团体 orders that list them (the seat price is theirs). */
export async function learnerOrders(db: AppDb, userId: number) {
  const own = await db
    .select({ outTradeNo: orders.outTradeNo, projectTitle: projects.title, amountFen: orders.amountFen, status: orders.status, createdAt: orders.createdAt, paidAt: orders.paidAt })
    .from(orders)
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .where(and(eq(orders.buyerUserId, userId), eq(orders.kind, 'individual')))
    .orderBy(desc(orders.createdAt))
    .limit(DETAIL_ROWS)
  const group = await db
    .select({ outTradeNo: orders.outTradeNo, projectTitle: projects.title, amountFen: orders.unitPriceFen, status: orders.status, createdAt: orders.createdAt, paidAt: orders.paidAt })
    .from(orderItems)
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .innerJoin(projects, eq(projects.id, orders.projectId))
    .where(and(eq(orderItems.learnerUserId, userId), eq(orders.kind, 'group')))
    .orderBy(desc(orders.createdAt))
    .limit(DETAIL_ROWS)
  return [...own.map((o) => ({ ...o, kind: 'personal' as const })), ...group.map((o) => ({ ...o, kind: 'group' as const }))].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
  )
}

export async function learnerEnrollments(db: AppDb, userId: number) {
  return db
    .select({
      projectId: projects.id,
      projectTitle: projects.title,
      year: projects.year,
      requiredHours: projects.requiredHours,
      status: enrollments.status,
      enrolledAt: enrollments.createdAt,
      completedAt: enrollments.completedAt,
    })
    .from(enrollments)
    .innerJoin(projects, eq(projects.id, enrollments.projectId))
    .where(eq(enrollments.userId, userId))
    .orderBy(desc(enrollments.createdAt))
    .limit(DETAIL_ROWS)
}

export async function learnerCertificates(db: AppDb, userId: number) {
  return db
    .select({ number: certificates.number, projectTitle: certificates.projectTitle, issuedOn: certificates.issuedOn, organisationName: certificates.organisationName })
    .from(certificates)
    .where(eq(certificates.userId, userId))
    .orderBy(desc(certificates.createdAt))
    .limit(DETAIL_ROWS)
}

/** Whether a certificate holds the learner's name and ID number (ACC-6); inside the correction's transaction. */
export async function holdsCertificate(tx: Db, userId: number): Promise<boolean> {
  const rows = await tx.select({ id: certificates.id }).from(certificates).where(eq(certificates.userId, userId)).limit(1)
  return rows.length > 0
}

export async function learnerInvoices(db: AppDb, userId: number) {
  return db
    .select({ id: invoices.id, outTradeNo: orders.outTradeNo, title: invoices.title, amountFen: invoices.amountFen, status: invoices.state, createdAt: invoices.createdAt })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .where(eq(invoices.ownerUserId, userId))
    .orderBy(desc(invoices.createdAt))
    .limit(DETAIL_ROWS)
}
