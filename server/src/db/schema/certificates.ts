import { boolean, index, integer, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { bytea, hours, requiredRef, timestamptz } from './columns.ts'
import { projects } from './catalogue.ts'
import { enrollments } from './orders.ts'
import { users } from './users.ts'

/** 组织机构: a learner's unit (单位). Demo rows are flagged samples and named as such. */
export const organisations = pgTable(
  'organisations',
  {
    id: serial().primaryKey(),
    name: text().notNull().unique(),
    /** 统一社会信用代码, when known. */
    creditCode: text().unique(),
    /** GB/T 2260 code of the Chongqing 区县 the unit is in (5001xx / 5002xx). */
    districtCode: text().notNull(),
    isSample: boolean().notNull().default(false),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [index().on(t.districtCode)],
)

/**
 * A 合格证书. What it shows is copied into its own columns when issued and never follows later
 * profile changes (CRT-5); `signature` is an HMAC over exactly those columns, so an edit made in
 * the database behind the application's back shows up on the public verification page.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: serial().primaryKey(),
    number: text().notNull().unique(),
    userId: requiredRef(() => users.id),
    projectId: requiredRef(() => projects.id),
    enrollmentId: requiredRef(() => enrollments.id),
    /** The unit chosen, or null when the learner chose a 区县 (districtCode). */
    organisationId: integer().references(() => organisations.id),
    districtCode: text().notNull(),
    organisationKind: text().$type<'unit' | 'district'>().notNull(),
    realName: text().notNull(),
    /** Plain ID number of a certificate issued before encryption at rest; null once sealed (as users.id_number). */
    legacyIdNumber: text('id_number'),
    /** The ID number printed on the certificate, sealed (crypto/personal-data.ts). */
    idNumberSealed: text(),
    projectTitle: text().notNull(),
    year: integer().notNull(),
    hours: hours().notNull(),
    organisationName: text().notNull(),
    issuerName: text().notNull(),
    /** YYYY-MM-DD in China time. */
    issuedOn: text().notNull(),
    signature: text().notNull(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [
    uniqueIndex('certificates_one_per_project').on(t.userId, t.projectId),
    index().on(t.projectId),
    index().on(t.enrollmentId),
    index().on(t.organisationId),
    index().on(t.districtCode),
  ],
)

/** A rendered PDF or PNG of a certificate, made on first request; a new render version renders anew. */
export const certificateFiles = pgTable(
  'certificate_files',
  {
    certificateId: requiredRef(() => certificates.id),
    renderVersion: text().notNull(),
    kind: text().$type<'pdf' | 'png'>().notNull(),
    bytes: bytea().notNull(),
    createdAt: timestamptz().notNull(),
  },
  (t) => [primaryKey({ columns: [t.certificateId, t.renderVersion, t.kind] })],
)

/**
 * Hits per client address and minute on the public verification API. In the database, not in
 * memory, so the limit holds across instances; addresses are stored only as hashes.
 */
export const verifyRateLimits = pgTable(
  'verify_rate_limits',
  {
    key: text().notNull(),
    windowStart: timestamptz().notNull(),
    hits: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index().on(t.windowStart)],
)
