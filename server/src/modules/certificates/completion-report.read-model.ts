import { and, desc, eq, inArray, sql, type AnyColumn } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { chapters, courses, projects } from '../../db/schema/catalogue.ts'
import { certificates } from '../../db/schema/certificates.ts'
import { chapterProgress, courseCompletions } from '../../db/schema/learning.ts'
import { enrollments } from '../../db/schema/orders.ts'
import { users } from '../../db/schema/users.ts'
import { districtName } from './districts.rules.ts'
import { openStored } from '../../crypto/personal-data.ts'

export type CompletionStatus = 'completed' | 'studying' | 'not_started'

/** One learner's enrolment in the report (OPS-3). */
export interface CompletionRow {
  /** Unit name, 「重庆市X区」, or 「未选择单位」. */
  organisationName: string
  unitId: number | null
  districtCode: string | null
  districtName: string
  realName: string
  idNumber: string
  projectTitle: string
  year: number
  requiredHours: number
  countedHours: number
  status: CompletionStatus
  completedAt: Date | null
  certificateNumber: string | null
}

export const UNASSIGNED = '未选择单位'

export interface CompletionFilter {
  year: number
  unitId?: number
  districtCode?: string
}

/**
 * The one documented exception to table ownership (docs/architecture.md, "Table owners"): the
 * report reads enrolments (orders), projects (catalogue), accounts (auth) and progress (learning)
 * in one statement, because it runs over every learner of a year (thousands) and composing the
 * owners' read models would move all of their rows into the process. It writes nothing.
 *
 * Who completed, who is studying and who has not started (enrolled, nothing credited), per unit or
 * 区县 and year. Units are known only from certificates (CRT-2 asks for them at issue), so a learner
 * belongs to the organisation on that year's certificate, else on their latest certificate of any
 * year (people seldom change units), else to 「未选择单位」. A district filter also takes in the
 * units located in that district.
 */
/**
 * A unit's or 区县's learners hold a certificate naming it (through `certificates_organisation_id_index`
 * or `certificates_district_code_index`): only they are read, instead of every learner of the year.
 * Which of their certificates decides is settled below.
 */
function holdsCertificateOf(db: AppDb, filter: CompletionFilter, userId: AnyColumn) {
  const naming =
    filter.unitId !== undefined ? eq(certificates.organisationId, filter.unitId) : filter.districtCode !== undefined ? eq(certificates.districtCode, filter.districtCode) : undefined
  return naming && inArray(userId, db.select({ userId: certificates.userId }).from(certificates).where(naming))
}

export async function completionReport(db: AppDb, filter: CompletionFilter): Promise<CompletionRow[]> {
  const started = sql<boolean>`exists (select 1 from ${chapterProgress} join ${chapters} on ${chapters.id} = ${chapterProgress.chapterId}
    join ${courses} on ${courses.id} = ${chapters.courseId}
    where ${chapterProgress.userId} = ${enrollments.userId} and ${courses.projectId} = ${enrollments.projectId} and ${chapterProgress.creditedMs} > 0)`
  const counted = sql<string>`(select coalesce(sum(${courseCompletions.hours}), 0) from ${courseCompletions}
    where ${courseCompletions.userId} = ${enrollments.userId} and ${courseCompletions.projectId} = ${enrollments.projectId})`
  const rows = await db
    .select({
      userId: users.id,
      realName: users.realName,
      idNumberSealed: users.idNumberSealed,
      legacyIdNumber: users.legacyIdNumber,
      projectId: projects.id,
      projectTitle: projects.title,
      year: projects.year,
      requiredHours: projects.requiredHours,
      completedAt: enrollments.completedAt,
      started,
      counted,
    })
    .from(enrollments)
    .innerJoin(projects, eq(projects.id, enrollments.projectId))
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(and(eq(enrollments.status, 'active'), eq(projects.year, filter.year), holdsCertificateOf(db, filter, users.id)))
    .orderBy(projects.id, users.id)
  if (rows.length === 0) return []

  // Certificates of this year's learners, newest first (a subquery, not an id list: no parameter limit).
  const learners = db
    .select({ userId: enrollments.userId })
    .from(enrollments)
    .innerJoin(projects, eq(projects.id, enrollments.projectId))
    .where(and(eq(projects.year, filter.year), holdsCertificateOf(db, filter, enrollments.userId)))
  const certs = await db
    .select({
      userId: certificates.userId,
      projectId: certificates.projectId,
      number: certificates.number,
      unitId: certificates.organisationId,
      districtCode: certificates.districtCode,
      organisationName: certificates.organisationName,
    })
    .from(certificates)
    .where(inArray(certificates.userId, learners))
    .orderBy(desc(certificates.createdAt), desc(certificates.id))

  // Each learner's certificates, newest first: a map, as a search of the whole list per row was
  // quadratic in the year's learners (seconds for a 区县 on bench:history-reads' synthetic year).
  const certsOf = new Map<number, typeof certs>()
  for (const c of certs) {
    const list = certsOf.get(c.userId)
    if (list) list.push(c)
    else certsOf.set(c.userId, [c])
  }
  const report = rows.map((r): CompletionRow => {
    const own = certsOf.get(r.userId)?.find((c) => c.projectId === r.projectId)
    const org = own ?? certsOf.get(r.userId)?.[0]
    return {
      organisationName: org?.organisationName ?? UNASSIGNED,
      unitId: org?.unitId ?? null,
      districtCode: org?.districtCode ?? null,
      districtName: org ? (districtName(org.districtCode) ?? '') : '',
      realName: r.realName,
      idNumber: openStored('id_number', r.idNumberSealed, r.legacyIdNumber),
      projectTitle: r.projectTitle,
      year: r.year,
      requiredHours: r.requiredHours,
      countedHours: Number(r.counted),
      status: r.completedAt ? 'completed' : r.started ? 'studying' : 'not_started',
      completedAt: r.completedAt,
      certificateNumber: own?.number ?? null,
    }
  })
  return report
    .filter((r) => filter.unitId === undefined || r.unitId === filter.unitId)
    .filter((r) => filter.districtCode === undefined || r.districtCode === filter.districtCode)
    .sort((a, b) => a.organisationName.localeCompare(b.organisationName, 'zh-CN') || a.projectTitle.localeCompare(b.projectTitle, 'zh-CN'))
}
