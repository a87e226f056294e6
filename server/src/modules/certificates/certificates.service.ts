import { signedFileUrl } from './file-links.rules.ts'
import {
  checkIdNumber,
  isCertificateNumber,
  maskIdNumber,
  normaliseCertificateNumber,
  normaliseIdNumber,
  type Certificate,
  type CertificatePlan,
  type CertificateVerification,
  type IssueCertificateBody,
} from '@app/shared'
import { findUserById } from '../auth/auth.read-model.ts'
import { isDemoProject } from '../catalogue/catalogue.read-model.ts'
import { findActiveEnrollment } from '../orders/orders.read-model.ts'
import { listPlans } from '../learning/learning.public.ts'
import { newCertificateNumber } from './certificate-number.rules.ts'
import {
  CertificateDataMismatchError,
  CertificateNotFoundError,
  DistrictNotFoundError,
  NotEnrolledError,
  OrganisationNotFoundError,
  PlanNotCompletedError,
} from './certificates.errors.ts'
import {
  findCertificateByNumber,
  findCertificateForProject,
  findCertificateById,
  findOwnCertificate,
  insertCertificate,
  listCertificateRefs,
  type CertificateRow,
} from './certificates.repository.ts'
import type { CertificateDeps } from './certificates.types.ts'
import { districtName } from './districts.rules.ts'
import { findOrganisation } from './organisations.repository.ts'
import { signCertificate, verifyCertificateSignature } from './signature.rules.ts'
import { isUniqueViolation } from '../../core/db-errors.ts'
import { recordCertificateReadyNotice } from '../notices/notices.public.ts'

/** 我的证书 (CRT-1): every active plan, with its certificate or what is still missing. */
export async function listCertificatePlans(deps: CertificateDeps, userId: number): Promise<CertificatePlan[]> {
  const [plans, refs] = await Promise.all([listPlans(deps.db, userId), listCertificateRefs(deps.db, userId)])
  return plans.map((p) => {
    const ref = refs.find((r) => r.projectId === p.projectId)
    return {
      projectId: p.projectId,
      title: p.title,
      year: p.year,
      categoryName: p.categoryName,
      requiredHours: p.requiredHours,
      countedHours: p.countedHours,
      remainingHours: p.completed ? 0 : p.remainingHours,
      completed: p.completed,
      completedAt: p.completedAt,
      certificateId: ref?.id ?? null,
      certificateNumber: ref?.number ?? null,
      needsProfile: p.completed && !ref,
    }
  })
}

/** What the certificate prints, apart from the ID number (the owner sees it whole, the public masked). */
function printedData(row: CertificateRow) {
  const { number, realName, projectTitle, year, hours, organisationName, organisationKind, issuerName, issuedOn } = row
  return { number, realName, projectTitle, year, hours, organisationName, organisationKind, issuerName, issuedOn }
}

export function certificateView(deps: Pick<CertificateDeps, 'publicBaseUrl' | 'signingKey' | 'now'>, row: CertificateRow): Certificate {
  return {
    id: row.id,
    projectId: row.projectId,
    ...printedData(row),
    idNumber: row.idNumber,
    pdfUrl: signedFileUrl(deps.signingKey, row.id, 'pdf', deps.now()),
    pngUrl: signedFileUrl(deps.signingKey, row.id, 'png', deps.now()),
    verifyUrl: verifyUrl(deps, row.number),
  }
}

export function verifyUrl(deps: Pick<CertificateDeps, 'publicBaseUrl'>, number: string): string {
  return `${deps.publicBaseUrl}/verify/${number}`
}

/** The calendar date in China (the certificate's 发证日期), whatever the server's time zone. */
function chinaDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

const sameName = (a: string, b: string) => a.trim().replace(/\s+/g, ' ') === b.trim().replace(/\s+/g, ' ')

async function resolveOrganisation(deps: CertificateDeps, choice: IssueCertificateBody['organisation']) {
  if ('unitId' in choice) {
    const unit = await findOrganisation(deps.db, choice.unitId)
    if (!unit) throw new OrganisationNotFoundError()
    return { organisationId: unit.id, districtCode: unit.districtCode, organisationKind: 'unit' as const, organisationName: unit.name }
  }
  const name = districtName(choice.districtCode)
  if (!name) throw new DistrictNotFoundError()
  return { organisationId: null, districtCode: choice.districtCode, organisationKind: 'district' as const, organisationName: `重庆市${name}` }
}

/**
 * 完善个人信息 and issue (CRT-2). Only for a completed, active enrolment; the learner confirms the
 * name and ID number their account holds (certificate data change only through staff, ACC-6).
 * A second call, or a concurrent one, returns the certificate already issued.
 */
export async function issueCertificate(
  deps: CertificateDeps,
  userId: number,
  body: IssueCertificateBody,
): Promise<{ certificate: Certificate; created: boolean; row: CertificateRow }> {
  const existing = await findCertificateForProject(deps.db, userId, body.projectId)
  if (existing) return { certificate: certificateView(deps, existing), created: false, row: existing }

  const enrollment = await findActiveEnrollment(deps.db, userId, body.projectId)
  if (!enrollment) throw new NotEnrolledError()
  const [plan] = await listPlans(deps.db, userId, body.projectId)
  if (!plan) throw new NotEnrolledError()
  if (!enrollment.completedAt) throw new PlanNotCompletedError(String(plan.remainingHours))

  const user = await findUserById(deps.db, userId)
  if (!user) throw new NotEnrolledError()
  const confirmedId = checkIdNumber(body.confirmIdNumber)
  const idMatches = (confirmedId.ok ? confirmedId.value : normaliseIdNumber(body.confirmIdNumber)) === user.idNumber
  if (!idMatches || !sameName(body.confirmName, user.realName)) throw new CertificateDataMismatchError()

  const organisation = await resolveOrganisation(deps, body.organisation)
  const frozen = {
    realName: user.realName,
    idNumber: user.idNumber,
    projectTitle: plan.title,
    year: plan.year,
    hours: plan.countedHours,
    organisationName: organisation.organisationName,
    issuerName: deps.issuerName,
    issuedOn: chinaDate(deps.now()),
  }
  // A number collision is a 1-in-2^60 event; retrying covers it without a special case.
  for (let attempt = 0; ; attempt++) {
    const number = newCertificateNumber(plan.year)
    try {
      const row = await deps.db.transaction(async (tx) => {
        const inserted = await insertCertificate(tx, {
          ...frozen,
          ...organisation,
          number,
          userId,
          projectId: body.projectId,
          enrollmentId: enrollment.id,
          signature: signCertificate(deps.signingKey, { ...frozen, number }),
          createdAt: deps.now(),
        })
        await recordCertificateReadyNotice(tx, inserted, deps.now())
        return inserted
      })
      return { certificate: certificateView(deps, row), created: true, row }
    } catch (error) {
      if (isUniqueViolation(error, 'certificates_one_per_project')) {
        const raced = await findCertificateForProject(deps.db, userId, body.projectId)
        if (raced) return { certificate: certificateView(deps, raced), created: false, row: raced }
      }
      if (!isUniqueViolation(error, 'certificates_number_unique') || attempt >= 2) throw error
    }
  }
}

export async function getOwnCertificate(deps: CertificateDeps, userId: number, id: number): Promise<CertificateRow> {
  const row = await findOwnCertificate(deps.db, userId, id)
  if (!row) throw new CertificateNotFoundError()
  return row
}

/** A certificate named by a signed file link (the signature already proved the learner's right to it). */
export async function getCertificateById(deps: CertificateDeps, id: number): Promise<CertificateRow> {
  const row = await findCertificateById(deps.db, id)
  if (!row) throw new CertificateNotFoundError()
  return row
}

/** Public check (CRT-4): the data as stored, masked, and whether they still match their signature. */
export async function verifyCertificate(deps: CertificateDeps, rawNumber: string): Promise<CertificateVerification> {
  const number = normaliseCertificateNumber(rawNumber)
  // A malformed number cannot exist: answer without a database look-up.
  const row = isCertificateNumber(number) ? await findCertificateByNumber(deps.db, number) : undefined
  if (!row) throw new CertificateNotFoundError()
  const signatureValid = verifyCertificateSignature(deps.signingKey, row, row.signature)
  const sample = await isDemoProject(deps.db, row.projectId)
  return {
    genuine: signatureValid && !sample,
    signatureValid,
    sample,
    certificate: { ...printedData(row), idNumberMasked: maskIdNumber(row.idNumber) },
  }
}
