// Pure rules of 我的证书, 完善个人信息 and 证书验证 (CRT-1 … CRT-4). The certificate-number and ID
// number rules are the shared ones, from plain-TypeScript modules of @app/shared that are safe to
// import at runtime (the schema modules carry TypeBox and are imported for types only).
import type { CertificatePlan, CertificateVerification, District, OrganisationChoice } from '@app/shared/certificates'
import { isCertificateNumber, normaliseCertificateNumber } from '@app/shared/certificate-number'
import { ErrorCode } from '@app/shared/error-codes'
import { checkIdNumber } from '@app/shared/id-number'
import { CERTIFICATE_SERVICE_PHONE } from '@app/shared/help-contacts'
import { isApiError, type ApiError } from '@/api/api-error.ts'
import { formatHours } from './format.ts'

// ---- 我的证书 (CRT-1) ---------------------------------------------------------------------------

export type PlanState = 'issued' | 'needs-profile' | 'incomplete'

export function planState(plan: Pick<CertificatePlan, 'completed' | 'certificateId'>): PlanState {
  if (!plan.completed) return 'incomplete'
  return plan.certificateId === null ? 'needs-profile' : 'issued'
}

/** 「还差 N 学时」 for a plan still being studied. */
export function remainingHoursText(remainingHours: number): string {
  return `还差 ${formatHours(Math.max(0, remainingHours))} 学时`
}

/** Completed plans first (newest year first), then the ones still being studied. */
export function sortPlans<T extends Pick<CertificatePlan, 'completed' | 'year' | 'projectId'>>(plans: readonly T[]): T[] {
  return [...plans].sort((a, b) => Number(b.completed) - Number(a.completed) || b.year - a.year || a.projectId - b.projectId)
}

/** 2025-06-01 → 2025年6月1日 (the certificate's 发证日期, already a China date). */
export function formatIssuedOn(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return date
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`
}

/** What a certificate says, as 查看证书 and 证书验证 both list it; the ID number full or masked. */
export type CertificateFacts = Omit<CertificateVerification['certificate'], 'idNumberMasked'> & { idNumber: string }

/** The certificate's data, one labelled row each, in the order printed on it. */
export function certificateRows(c: CertificateFacts): { label: string; value: string }[] {
  return [
    { label: '证书编号', value: c.number },
    { label: '姓名', value: c.realName },
    { label: '身份证号', value: c.idNumber },
    { label: '培训项目', value: c.projectTitle },
    { label: '年度', value: `${c.year} 年` },
    { label: '学时', value: `${formatHours(c.hours)} 学时` },
    { label: c.organisationKind === 'unit' ? '工作单位' : '档案所在区县', value: c.organisationName },
    { label: '发证机构', value: c.issuerName },
    { label: '发证日期', value: formatIssuedOn(c.issuedOn) },
  ]
}

// ---- 完善个人信息 (CRT-2) -----------------------------------------------------------------------

/** The 组织机构 the learner picked: their unit, or the 区县 keeping their personnel file. */
export type OrganisationPick =
  | { kind: 'unit'; unitId: number; name: string; districtName: string }
  | { kind: 'district'; districtCode: string; name: string }

export function organisationChoice(pick: OrganisationPick): OrganisationChoice {
  return pick.kind === 'unit' ? { unitId: pick.unitId } : { districtCode: pick.districtCode }
}

/** As it will be printed: the unit's name, or 「重庆市X区」 for a district (as the server prints it). */
export function organisationLabel(pick: OrganisationPick): string {
  return pick.kind === 'unit' ? pick.name : `重庆市${pick.name}`
}

export function districtPick(district: District): OrganisationPick {
  return { kind: 'district', districtCode: district.code, name: district.name }
}

/**
 * Whether a typed ID number fits the account's masked one (5001**********1234): same length, and
 * the visible characters agree. Catches a typo before the server's 422, without knowing the number.
 */
export function fitsMaskedIdNumber(value: string, masked: string): boolean {
  if (value.length !== masked.length) return false
  for (let i = 0; i < masked.length; i++) {
    const m = masked[i]
    if (m !== '*' && m !== value[i]) return false
  }
  return true
}

export type IdConfirmation = { ok: true; value: string } | { ok: false; message: string }

/**
 * The live rule of the 身份证号 confirmation field: a valid ID number (GB 11643 via the shared
 * checker, with its precise message) that is the account's own.
 */
export function checkIdConfirmation(raw: string, masked: string, today: Date = new Date()): IdConfirmation {
  const checked = checkIdNumber(raw, today)
  if (!checked.ok) return { ok: false, message: checked.message }
  if (masked !== '' && !fitsMaskedIdNumber(checked.value, masked)) {
    return { ok: false, message: `与账号中的身份证号（${masked}）不一致，请核对；如账号信息有误请联系客服 ${CERTIFICATE_SERVICE_PHONE}` }
  }
  return { ok: true, value: checked.value }
}

/** What still stops 提交: the first missing piece, or null when the form can be sent. */
export function confirmationProblem(input: { idNumber: string; maskedIdNumber: string; organisation: OrganisationPick | null }, today: Date = new Date()): string | null {
  const id = checkIdConfirmation(input.idNumber, input.maskedIdNumber, today)
  if (!id.ok) return id.message
  if (!input.organisation) return '请选择组织机构（找不到单位时请选择档案所在区县）'
  return null
}

// ---- The certificate (CRT-3) --------------------------------------------------------------------

/** Seconds since the epoch at which a signed file link stops working, or null when it has none. */
export function signedLinkExpiry(url: string): number | null {
  const query = url.split('?')[1] ?? ''
  const raw = new URLSearchParams(query).get('expires')
  const value = raw === null ? NaN : Number(raw)
  return Number.isInteger(value) ? value : null
}

/**
 * Whether a signed link should be fetched afresh before use: expired, or expiring within the margin
 * (the page may have been left open; opening the PDF takes a moment).
 */
export function signedLinkStale(url: string, nowMs: number, marginSeconds = 60): boolean {
  const expires = signedLinkExpiry(url)
  return expires !== null && expires - marginSeconds <= nowMs / 1000
}

/** The path of the H5's verification page for a certificate's public verifyUrl (same site). */
export function verifyPath(number: string): string {
  return `/verify/${encodeURIComponent(number)}`
}

// ---- 证书验证 (CRT-4) ---------------------------------------------------------------------------

export { normaliseCertificateNumber }

/** What the typed number lacks, in words, or null when it may be looked up. */
export function certificateNumberProblem(raw: string): string | null {
  const value = normaliseCertificateNumber(raw)
  if (value === '') return '请输入证书编号'
  if (!value.startsWith('CQ') || value.length !== 19) return '证书编号为19位，以 CQ 开头，例如 CQ2025…'
  if (!isCertificateNumber(value)) return '证书编号有误，请核对后重新输入'
  return null
}

export type VerificationOutcome =
  | { kind: 'genuine'; certificate: CertificateVerification['certificate'] }
  | { kind: 'sample'; certificate: CertificateVerification['certificate'] }
  | { kind: 'tampered'; certificate: CertificateVerification['certificate'] }
  | { kind: 'not-found' }
  | { kind: 'rate-limited' }
  | { kind: 'error'; message: string }

/** The verification page's verdict from the server's answer or its error. */
export function verificationOutcome(result: { data: CertificateVerification } | { error: ApiError }): VerificationOutcome {
  if ('data' in result) {
    // A 体验 (demo) certificate is signed like any other, but proves no real training.
    if (result.data.sample && result.data.signatureValid) return { kind: 'sample', certificate: result.data.certificate }
    return result.data.genuine && result.data.signatureValid
      ? { kind: 'genuine', certificate: result.data.certificate }
      : { kind: 'tampered', certificate: result.data.certificate }
  }
  const { error } = result
  if (isApiError(error, ErrorCode.CERTIFICATE_NOT_FOUND) || error.status === 404) return { kind: 'not-found' }
  if (isApiError(error, ErrorCode.RATE_LIMITED) || error.status === 429) return { kind: 'rate-limited' }
  return { kind: 'error', message: error.message }
}

export const VERIFICATION_TITLES: Record<VerificationOutcome['kind'], string> = {
  genuine: '证书真实有效',
  sample: '样例证书（仅供演示）',
  tampered: '证书信息与签名不符，可能被篡改',
  'not-found': '证书不存在',
  'rate-limited': '查询过于频繁，请稍后再试',
  error: '查询失败',
}
