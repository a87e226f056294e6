import { and, eq } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { certificateFiles, certificates } from '../../db/schema/certificates.ts'
import { openStored, seal } from '../../crypto/personal-data.ts'

type StoredCertificate = typeof certificates.$inferSelect
/** A certificate as services see it: its ID number opened (it is stored sealed). */
export type CertificateRow = Omit<StoredCertificate, 'legacyIdNumber' | 'idNumberSealed'> & { idNumber: string }
export type NewCertificate = Omit<typeof certificates.$inferInsert, 'legacyIdNumber' | 'idNumberSealed'> & { idNumber: string }

/** Opens a stored row (a certificate issued before encryption at rest may still hold its number in clear). */
function openCertificate(row: StoredCertificate | undefined): CertificateRow | undefined {
  if (!row) return undefined
  const { legacyIdNumber, idNumberSealed, ...rest } = row
  return { ...rest, idNumber: openStored('id_number', idNumberSealed, legacyIdNumber) }
}

export async function findCertificateForProject(db: AppDb, userId: number, projectId: number): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(certificates).where(and(eq(certificates.userId, userId), eq(certificates.projectId, projectId)))
  return openCertificate(row)
}

/** Only the owner's: another learner's id answers like a missing one. */
export async function findOwnCertificate(db: AppDb, userId: number, id: number): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(certificates).where(and(eq(certificates.id, id), eq(certificates.userId, userId)))
  return openCertificate(row)
}

/** By id alone: only for requests already proven by a signed file link (file-links.rules.ts). */
export async function findCertificateById(db: AppDb, id: number): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(certificates).where(eq(certificates.id, id))
  return openCertificate(row)
}

export async function findCertificateByNumber(db: AppDb, number: string): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(certificates).where(eq(certificates.number, number))
  return openCertificate(row)
}

export async function listCertificateRefs(db: AppDb, userId: number) {
  return db.select({ id: certificates.id, projectId: certificates.projectId, number: certificates.number }).from(certificates).where(eq(certificates.userId, userId))
}

export async function userHasCertificate(db: AppDb, userId: number): Promise<boolean> {
  const rows = await db.select({ id: certificates.id }).from(certificates).where(eq(certificates.userId, userId)).limit(1)
  return rows.length > 0
}

export async function insertCertificate(db: AppDb, values: NewCertificate): Promise<CertificateRow> {
  const { idNumber, ...rest } = values
  const [row] = await db.insert(certificates).values({ ...rest, idNumberSealed: seal('id_number', idNumber) }).returning()
  if (!row) throw new Error('certificate insert returned nothing')
  return openCertificate(row) as CertificateRow
}

export async function findCertificateFile(db: AppDb, certificateId: number, renderVersion: string, kind: 'pdf' | 'png'): Promise<Buffer | undefined> {
  const [row] = await db
    .select({ bytes: certificateFiles.bytes })
    .from(certificateFiles)
    .where(and(eq(certificateFiles.certificateId, certificateId), eq(certificateFiles.renderVersion, renderVersion), eq(certificateFiles.kind, kind)))
  return row?.bytes
}

/** Two first requests may both render; the first stored copy wins and the other is dropped. */
export async function storeCertificateFile(db: AppDb, file: typeof certificateFiles.$inferInsert): Promise<void> {
  await db.insert(certificateFiles).values(file).onConflictDoNothing()
}

