import { Type, type Static } from 'typebox'
import { IdSchema, PlainText, RequiredText, TimestampSchema } from './common.ts'
import { planHeadingFields, planHoursFields } from './learning.ts'
import { ClosedObject, ListOf, Nullable } from './schema-helpers.ts'

export { CERTIFICATE_SERVICE_PHONE } from './help-contacts.ts'

export * from './certificate-number.ts'

/** 组织机构: the learner's unit, or (when it cannot be found) the 区县 keeping their personnel file. */
export const OrganisationChoiceSchema = Type.Union([
  ClosedObject({ unitId: IdSchema }),
  ClosedObject({ districtCode: Type.String({ pattern: '^\\d{6}$' }) }),
])
export type OrganisationChoice = Static<typeof OrganisationChoiceSchema>

/** 完善个人信息 and issue (CRT-2). Name and ID number are confirmed, never changed here. */
export const IssueCertificateBodySchema = ClosedObject({
  projectId: IdSchema,
  confirmName: RequiredText(40),
  confirmIdNumber: RequiredText(40),
  organisation: OrganisationChoiceSchema,
})
export type IssueCertificateBody = Static<typeof IssueCertificateBodySchema>

/** 我的证书 (CRT-1): one of the learner's plans and where it stands. */
export const CertificatePlanSchema = ClosedObject({
  ...planHeadingFields,
  ...planHoursFields,
  completed: Type.Boolean(),
  completedAt: Nullable(TimestampSchema),
  certificateId: Nullable(IdSchema),
  certificateNumber: Nullable(Type.String()),
  /** Completed but not issued yet: 「查看证书」 first asks for 完善个人信息. */
  needsProfile: Type.Boolean(),
})
export type CertificatePlan = Static<typeof CertificatePlanSchema>

export const CertificatePlanListSchema = ListOf('plans', CertificatePlanSchema)
export type CertificatePlanList = Static<typeof CertificatePlanListSchema>

/** The frozen data printed on a certificate (CRT-3, CRT-5). */
const frozenFields = {
  number: Type.String(),
  realName: Type.String(),
  projectTitle: Type.String(),
  year: Type.Integer(),
  hours: Type.Number(),
  /** The unit's name, or the 区县 name when the learner chose a district. */
  organisationName: Type.String(),
  organisationKind: Type.Union([Type.Literal('unit'), Type.Literal('district')]),
  issuerName: Type.String(),
  /** YYYY-MM-DD, China time. */
  issuedOn: Type.String({ format: 'date' }),
}

/** The owner's view: full ID number and links to the files. */
export const CertificateSchema = ClosedObject({
  id: IdSchema,
  projectId: IdSchema,
  ...frozenFields,
  idNumber: Type.String(),
  pdfUrl: Type.String(),
  pngUrl: Type.String(),
  verifyUrl: Type.String(),
})
export type Certificate = Static<typeof CertificateSchema>

/** The public verification page (CRT-4): ID number masked, and whether the data are as signed. */
export const CertificateVerificationSchema = ClosedObject({
  /** The number exists, its data match the signature made at issue, and it is no 样例 (sample). */
  genuine: Type.Boolean(),
  signatureValid: Type.Boolean(),
  /** A certificate of the 体验 demo project: a 样例 that proves no real training (never 「真实有效」). */
  sample: Type.Boolean(),
  certificate: ClosedObject({ ...frozenFields, idNumberMasked: Type.String() }),
})
export type CertificateVerification = Static<typeof CertificateVerificationSchema>

export const VerifyParamsSchema = ClosedObject({ number: PlainText({ minLength: 1, maxLength: 64 }) })

export const OrganisationSchema = ClosedObject({ id: IdSchema, name: Type.String(), districtCode: Type.String(), districtName: Type.String() })
export type Organisation = Static<typeof OrganisationSchema>

export const OrganisationQuerySchema = ClosedObject({ q: Type.Optional(PlainText({ maxLength: 60 })) })
export const OrganisationListSchema = ListOf('organisations', OrganisationSchema)
export type OrganisationList = Static<typeof OrganisationListSchema>

export const DistrictSchema = ClosedObject({ code: Type.String(), name: Type.String() })
export type District = Static<typeof DistrictSchema>
export const DistrictListSchema = ListOf('districts', DistrictSchema)
export type DistrictList = Static<typeof DistrictListSchema>

/** At most this many units come back from one search. */
export const ORGANISATION_SEARCH_LIMIT = 20
