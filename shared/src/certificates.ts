import { Type, type Static } from 'typebox'
import { IdSchema } from './common.ts'

/** Customer service for certificate data (the manual's 「证书问题咨询」 line). */
export const CERTIFICATE_SERVICE_PHONE = '400-023-9229'

export * from './certificate-number.ts'

/** 组织机构: the learner's unit, or (when it cannot be found) the 区县 keeping their personnel file. */
export const OrganisationChoiceSchema = Type.Union([
  Type.Object({ unitId: IdSchema }, { additionalProperties: false }),
  Type.Object({ districtCode: Type.String({ pattern: '^\\d{6}$' }) }, { additionalProperties: false }),
])
export type OrganisationChoice = Static<typeof OrganisationChoiceSchema>

/** 完善个人信息 and issue (CRT-2). Name and ID number are confirmed, never changed here. */
export const IssueCertificateBodySchema = Type.Object(
  {
    projectId: IdSchema,
    confirmName: Type.String({ minLength: 1, maxLength: 40 }),
    confirmIdNumber: Type.String({ minLength: 1, maxLength: 40 }),
    organisation: OrganisationChoiceSchema,
  },
  { additionalProperties: false },
)
export type IssueCertificateBody = Static<typeof IssueCertificateBodySchema>

/** 我的证书 (CRT-1): one of the learner's plans and where it stands. */
export const CertificatePlanSchema = Type.Object(
  {
    projectId: IdSchema,
    title: Type.String(),
    year: Type.Integer(),
    categoryName: Type.String(),
    requiredHours: Type.Number(),
    countedHours: Type.Number(),
    /** 学时 still missing; 0 once completed. */
    remainingHours: Type.Number(),
    completed: Type.Boolean(),
    completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    certificateId: Type.Union([IdSchema, Type.Null()]),
    certificateNumber: Type.Union([Type.String(), Type.Null()]),
    /** Completed but not issued yet: 「查看证书」 first asks for 完善个人信息. */
    needsProfile: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type CertificatePlan = Static<typeof CertificatePlanSchema>

export const CertificatePlanListSchema = Type.Object({ plans: Type.Array(CertificatePlanSchema) }, { additionalProperties: false })
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
export const CertificateSchema = Type.Object(
  {
    id: IdSchema,
    projectId: IdSchema,
    ...frozenFields,
    idNumber: Type.String(),
    pdfUrl: Type.String(),
    pngUrl: Type.String(),
    verifyUrl: Type.String(),
  },
  { additionalProperties: false },
)
export type Certificate = Static<typeof CertificateSchema>

/** The public verification page (CRT-4): ID number masked, and whether the data are as signed. */
export const CertificateVerificationSchema = Type.Object(
  {
    /** The number exists and its data match the signature made at issue. */
    genuine: Type.Boolean(),
    signatureValid: Type.Boolean(),
    certificate: Type.Object({ ...frozenFields, idNumberMasked: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
export type CertificateVerification = Static<typeof CertificateVerificationSchema>

export const VerifyParamsSchema = Type.Object({ number: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false })

export const OrganisationSchema = Type.Object(
  { id: IdSchema, name: Type.String(), districtCode: Type.String(), districtName: Type.String() },
  { additionalProperties: false },
)
export type Organisation = Static<typeof OrganisationSchema>

export const OrganisationQuerySchema = Type.Object({ q: Type.Optional(Type.String({ maxLength: 60 })) }, { additionalProperties: false })
export const OrganisationListSchema = Type.Object({ organisations: Type.Array(OrganisationSchema) }, { additionalProperties: false })
export type OrganisationList = Static<typeof OrganisationListSchema>

export const DistrictSchema = Type.Object({ code: Type.String(), name: Type.String() }, { additionalProperties: false })
export type District = Static<typeof DistrictSchema>
export const DistrictListSchema = Type.Object({ districts: Type.Array(DistrictSchema) }, { additionalProperties: false })
export type DistrictList = Static<typeof DistrictListSchema>

/** At most this many units come back from one search. */
export const ORGANISATION_SEARCH_LIMIT = 20
