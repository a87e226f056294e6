import type {
  Certificate,
  CertificatePlanList,
  CertificateVerification,
  DistrictList,
  IssueCertificateBody,
  OrganisationList,
} from '@app/shared/certificates'
import { http } from './http.ts'

/** GET /api/certificates: 我的证书, the learner's plans (completed with or without a certificate, and incomplete). */
export function fetchCertificatePlans(signal?: AbortSignal): Promise<CertificatePlanList> {
  return http.get<CertificatePlanList>('/certificates', { signal })
}

/** GET /api/certificates/organisations?q=: units whose name contains `q` (at most 20). */
export function searchOrganisations(q: string, signal?: AbortSignal): Promise<OrganisationList> {
  return http.get<OrganisationList>('/certificates/organisations', { params: { q }, signal })
}

/** GET /api/certificates/districts: Chongqing's 区县, for a learner whose unit cannot be found. */
export function fetchDistricts(signal?: AbortSignal): Promise<DistrictList> {
  return http.get<DistrictList>('/certificates/districts', { signal })
}

/**
 * POST /api/certificates: 完善个人信息 and issue (idempotent: a second call returns the same
 * certificate). Rejects with CERTIFICATE_DATA_MISMATCH (422) when the name or ID number differ from
 * the account, PLAN_NOT_COMPLETED (409) while 学时 are missing.
 */
export function issueCertificate(body: IssueCertificateBody): Promise<Certificate> {
  return http.post<Certificate>('/certificates', body)
}

/** GET /api/certificates/:id: the owner's certificate with fresh signed links to its PNG and PDF. */
export function fetchCertificate(id: number, signal?: AbortSignal): Promise<Certificate> {
  return http.get<Certificate>(`/certificates/${id}`, { signal })
}

/**
 * GET /api/verify/:number: public check (no sign-in, no token sent). Rejects with
 * CERTIFICATE_NOT_FOUND (404) or RATE_LIMITED (429).
 */
export function verifyCertificate(number: string, signal?: AbortSignal): Promise<CertificateVerification> {
  return http.get<CertificateVerification>(`/verify/${encodeURIComponent(number)}`, { signal, skipSession: true })
}
