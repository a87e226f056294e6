import { or, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { AppDb } from '../../db/client.ts'
import { registeredUnitMatches, registeredUnitNames } from '../bulk-registration/bulk-registration.read-model.ts'
import { projectSummaries } from '../catalogue/catalogue.read-model.ts'
import { certificateSummaries, latestOrganisationNames, organisationMatches } from '../certificates/certificates.read-model.ts'
import { invoiceSummaries } from '../invoices/invoices.read-model.ts'
import { enrollmentsOf, learnerOrdersForStaff } from '../orders/orders.read-model.ts'

/**
 * A learner's records as staff see them on the 学员 pages, composed from the owners' read models
 * (orders, catalogue, certificates, invoices, bulk registration; docs/architecture.md, "Table
 * owners"). The staff console owns no table; nothing here changes a row.
 */

/** Rows listed in one section of a learner's page (a learner has a handful; the cap bounds the answer). */
export const DETAIL_ROWS = 100

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
}

/** The 单位 filter of a name search: the unit's registration sheet, or a certificate's organisation. */
export function unitNameContains(unit: string): (userId: AnyPgColumn) => SQL {
  const pattern = likePattern(unit.trim())
  const sheet = registeredUnitMatches(pattern)
  const certificate = organisationMatches(pattern)
  return (userId) => or(sheet(userId), certificate(userId)) as SQL
}

/** Each learner's 单位 as known: the latest certificate's organisation, else the registration sheet's. */
export async function unitNames(db: AppDb, userIds: number[]): Promise<Map<number, string>> {
  const [sheets, certificates] = await Promise.all([registeredUnitNames(db, userIds), latestOrganisationNames(db, userIds)])
  return new Map([...sheets, ...certificates])
}

/** Orders the learner paid for themselves, and 团体 orders that list them (the seat price is theirs). */
export function learnerOrders(db: AppDb, userId: number) {
  return learnerOrdersForStaff(db, userId, DETAIL_ROWS)
}

export async function learnerEnrollments(db: AppDb, userId: number) {
  const enrolments = await enrollmentsOf(db, userId, DETAIL_ROWS)
  const projects = await projectSummaries(db, enrolments.map((e) => e.projectId))
  return enrolments.map((e) => {
    const project = projects.get(e.projectId)
    return {
      projectId: e.projectId,
      projectTitle: project?.title ?? '',
      year: project?.year ?? 0,
      requiredHours: project?.requiredHours ?? 0,
      status: e.status,
      enrolledAt: e.enrolledAt,
      completedAt: e.completedAt,
    }
  })
}

export function learnerCertificates(db: AppDb, userId: number) {
  return certificateSummaries(db, userId, DETAIL_ROWS)
}

export function learnerInvoices(db: AppDb, userId: number) {
  return invoiceSummaries(db, userId, DETAIL_ROWS)
}
