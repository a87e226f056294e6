import { sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { rowsOf } from '../../db/pipelined-transaction.ts'
import { projects } from '../../db/schema/catalogue.ts'
import { certificates } from '../../db/schema/certificates.ts'
import { enrollments } from '../../db/schema/orders.ts'

/** Learners of a year's plans and how many completed, for one unit or 区县 (both null: 未选择单位). */
export interface CompletionGroup {
  unitId: number | null
  districtCode: string | null
  /** The name on the certificate (a unit's name, or 「重庆市X区」). */
  organisationName: string | null
  enrolled: number
  completed: number
}

/**
 * A documented exception to table ownership (docs/architecture.md, "Table owners"), the counting
 * twin of completion-report.read-model.ts: the 统计 page's completion by unit and 区县 groups every
 * active enrolment of a year's plans in the database (one row per unit and 区县 comes back, never
 * one per learner), with the report's rule for where a learner belongs: the organisation on that
 * year's certificate, else on their latest certificate, else none. It reads enrolments (orders),
 * projects (catalogue) and certificates, never progress. It writes nothing.
 */
export async function completionByOrganisation(db: AppDb, year: number): Promise<CompletionGroup[]> {
  const rows = await db.execute(sql`
    select c.organisation_id as unit_id, c.district_code, max(c.organisation_name) as organisation_name,
           count(*)::int as enrolled, count(*) filter (where e.completed_at is not null)::int as completed
    from ${enrollments} e
    join ${projects} p on p.id = e.project_id
    left join lateral (
      select ${certificates.organisationId} as organisation_id, ${certificates.districtCode} as district_code, ${certificates.organisationName} as organisation_name
      from ${certificates}
      where ${certificates.userId} = e.user_id
      order by (${certificates.projectId} = e.project_id) desc, ${certificates.createdAt} desc, ${certificates.id} desc
      limit 1
    ) c on true
    where e.status = 'active' and p.year = ${year}
    group by c.organisation_id, c.district_code`)
  return rowsOf(rows).map((r) => ({
    unitId: r.unit_id === null ? null : Number(r.unit_id),
    districtCode: (r.district_code as string | null) ?? null,
    organisationName: (r.organisation_name as string | null) ?? null,
    enrolled: Number(r.enrolled),
    completed: Number(r.completed),
  }))
}

/** The years that have plans, newest first (the catalogue's few projects). */
export async function planYears(db: AppDb): Promise<number[]> {
  const rows = await db.selectDistinct({ year: projects.year }).from(projects).orderBy(sql`${projects.year} desc`)
  return rows.map((r) => r.year)
}
