import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import { openStored } from '../../crypto/personal-data.ts'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { certificates } from '../../db/schema/certificates.ts'

/**
 * What other features may read of certificates (docs/architecture.md, "Table owners"): plain rows,
 * ID numbers opened, batched by ids.
 */

/** A learner's certificates with the name and ID number printed on each (opened), newest first (我的个人信息). */
export async function certificatesOf(db: AppDb | AppTx, userId: number) {
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

/** What staff see of a learner's certificates (no ID number), newest first, at most `limit`. */
export async function certificateSummaries(db: AppDb, userId: number, limit: number) {
  return db
    .select({ number: certificates.number, projectTitle: certificates.projectTitle, issuedOn: certificates.issuedOn, organisationName: certificates.organisationName })
    .from(certificates)
    .where(eq(certificates.userId, userId))
    .orderBy(desc(certificates.createdAt))
    .limit(limit)
}

/** Whether a certificate holds the learner's name and ID number (ACC-6); inside the caller's transaction. */
export async function holdsCertificate(tx: AppDb | AppTx, userId: number): Promise<boolean> {
  const rows = await tx.select({ id: certificates.id }).from(certificates).where(eq(certificates.userId, userId)).limit(1)
  return rows.length > 0
}

/** The organisation printed on each learner's latest certificate, in one query; absent = none. */
export async function latestOrganisationNames(db: AppDb, userIds: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>()
  if (userIds.length === 0) return names
  const rows = await db
    .select({ userId: certificates.userId, name: certificates.organisationName })
    .from(certificates)
    .where(inArray(certificates.userId, userIds))
    .orderBy(certificates.createdAt)
  for (const row of rows) names.set(row.userId, row.name)
  return names
}

/** A filter for another owner's query: the account holds a certificate whose organisation matches the ILIKE pattern. */
export function organisationMatches(pattern: string): (userId: AnyPgColumn) => SQL {
  return (userId) => sql`exists (select 1 from ${certificates} c where c.user_id = ${userId} and c.organisation_name ilike ${pattern})`
}

/** The certificate number each of these learners holds for the project, in one query; absent = none. */
export async function certificateNumbersFor(db: AppDb, projectId: number, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({ userId: certificates.userId, number: certificates.number })
    .from(certificates)
    .where(and(eq(certificates.projectId, projectId), inArray(certificates.userId, userIds)))
  return new Map(rows.map((r) => [r.userId, r.number]))
}
