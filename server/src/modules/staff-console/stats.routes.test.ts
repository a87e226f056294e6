import ExcelJS from 'exceljs'
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { signInNewStaff, type SignedInStaff } from '../../../test/staff-helpers.ts'
import { chapters, courseCompletions, courses, enrollments, orders, organisations, playbackSessions, projects, refunds } from '../../db/schema.ts'
import { issueCertificate } from '../certificates/certificates.service.ts'
import { seedSampleOrganisations } from '../certificates/organisations.seed.ts'
import type { AuditLogPage, CompletionSummary, StatsOverview } from '@app/shared'

// 统计 and 审计日志 on prepared data: figures a staff member would read, roles, paging.

let t: TestApp
let admin: SignedInStaff
let finance: SignedInStaff
let operator: SignedInStaff
let projectId: number
let priceFen: number
let hospital: { id: number; name: string }
const learners: Registered[] = []
// Noon in Beijing, mid-year: "today" and "this year" are unambiguous.
const NOON = new Date('2026-06-15T04:00:00Z')

const get = (token: string | null, url: string) => t.app.inject({ method: 'GET', url: `/api/staff${url}`, headers: token ? bearer(token) : {} })

/** Credits whole courses until the plan's hours are reached and marks the enrolment complete, as learning would. */
async function complete(userId: number) {
  const [project] = await t.database.db.select().from(projects).where(eq(projects.id, projectId))
  let hours = 0
  for (const c of await t.database.db.select().from(courses).where(eq(courses.projectId, projectId)).orderBy(asc(courses.sort))) {
    if (hours >= (project?.requiredHours ?? 0)) break
    await t.database.db.insert(courseCompletions).values({ userId, courseId: c.id, projectId, hours: c.hours, completedAt: NOON })
    hours += c.hours
  }
  await t.database.db.update(enrollments).set({ completedAt: NOON }).where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId)))
}

const certificateDeps = () => ({ db: t.database.db, signingKey: 'test-key', issuerName: '示例发证机构', seal: { text: '示例发证机构', sample: true }, publicBaseUrl: 'http://localhost:3000', now: () => NOON })

beforeAll(async () => {
  t = await buildTestApp()
  t.clock.now = new Date(NOON)
  await seedSampleOrganisations(t.database.db)
  admin = await signInNewStaff(t.app, t.database.db, 'admin')
  finance = await signInNewStaff(t.app, t.database.db, 'finance')
  operator = await signInNewStaff(t.app, t.database.db, 'operator')
  const [project] = await t.database.db.select().from(projects).orderBy(asc(projects.id)).limit(1)
  projectId = project?.id as number
  priceFen = project?.priceFen as number
  const [unit] = await t.database.db.select().from(organisations).where(eq(organisations.districtCode, '500105'))
  hospital = { id: unit?.id as number, name: unit?.name as string }

  for (let k = 0; k < 3; k++) learners.push(await registerLearner(t.app, { remoteAddress: `10.88.0.${k + 1}` }))
  const [paidToday, paidInMarch, paidLastYear] = learners as [Registered, Registered, Registered]
  await enrol(t.database.db, paidToday.userId, projectId, NOON)
  await enrol(t.database.db, paidInMarch.userId, projectId, new Date('2026-03-01T02:00:00Z'))
  await enrol(t.database.db, paidLastYear.userId, projectId, new Date('2025-12-01T02:00:00Z'))

  // Part of today's order went back to the learner today.
  const [order] = await t.database.db.select().from(orders).where(eq(orders.buyerUserId, paidToday.userId))
  await t.database.db.insert(refunds).values({ orderId: order?.id as number, outRefundNo: 'RF-STATS-1', amountFen: 3000, reason: '测试', status: 'succeeded', requestedBy: 'test', createdAt: NOON, succeededAt: NOON })

  // Completed with a certificate for a unit, and completed with a certificate for a 区县; the third has not completed.
  await complete(paidToday.userId)
  await issueCertificate(certificateDeps(), paidToday.userId, { projectId, confirmName: paidToday.realName, confirmIdNumber: paidToday.idNumber, organisation: { unitId: hospital.id } })
  await complete(paidLastYear.userId)
  await issueCertificate(certificateDeps(), paidLastYear.userId, { projectId, confirmName: paidLastYear.realName, confirmIdNumber: paidLastYear.idNumber, organisation: { districtCode: '500103' } })

  // One playback reported a minute ago (studying now), one ten minutes ago (stopped).
  const [chapter] = await t.database.db.select().from(chapters).limit(1)
  const playback = (userId: number, minutesAgo: number) => ({
    id: crypto.randomUUID(),
    userId,
    chapterId: chapter?.id as number,
    status: 'active' as const,
    openedAt: new Date(NOON.getTime() - 3600_000),
    lastReportAt: new Date(NOON.getTime() - minutesAgo * 60_000),
  })
  await t.database.db.insert(playbackSessions).values([playback(paidToday.userId, 1), playback(paidInMarch.userId, 10)])
})
afterAll(async () => t.close())

describe('统计', () => {
  it('refuses a request without a staff session', async () => {
    expect((await get(null, '/stats/overview')).statusCode).toBe(401)
    expect((await get(null, '/stats/completion')).statusCode).toBe(401)
    expect((await get(learners[0]?.accessToken ?? '', '/stats/overview')).statusCode).toBe(401)
  })

  it("shows today's and this year's orders, revenue (paid minus refunded) and registrations, and who studies now; every role", async () => {
    for (const staff of [finance, operator, admin]) {
      const res = await get(staff.token, '/stats/overview')
      expect(res.statusCode).toBe(200)
      const o = res.json() as StatsOverview
      expect(o.today).toEqual({ paidOrders: 1, paidFen: priceFen, refundedFen: 3000, revenueFen: priceFen - 3000, registrations: 3 })
      expect(o.year).toEqual({ year: 2026, paidOrders: 2, paidFen: 2 * priceFen, refundedFen: 3000, revenueFen: 2 * priceFen - 3000, registrations: 3 })
      expect(o.studyingNow).toBe(1)
    }
  })

  it('counts the next day as a new day and keeps the year', async () => {
    t.clock.advance(24 * 3600_000)
    try {
      // A console session lasts at most 12 hours: tomorrow's staff member signs in again.
      const tomorrow = await signInNewStaff(t.app, t.database.db, 'finance')
      const o = (await get(tomorrow.token, '/stats/overview')).json() as StatsOverview
      expect(o.today.paidOrders).toBe(0)
      expect(o.year.paidOrders).toBe(2)
      expect(o.year.revenueFen).toBe(2 * priceFen - 3000)
      expect(o.studyingNow).toBe(0)
    } finally {
      t.clock.now = new Date(NOON)
    }
  })

  it("shows completion of the plan year by 区县 and by unit, by the report's rule (the certificate's unit or 区县)", async () => {
    const res = await get(finance.token, '/stats/completion')
    expect(res.statusCode).toBe(200)
    const c = res.json() as CompletionSummary
    expect(c.year).toBe(2025) // the demo plans are 2025's: the latest plan year not after 2026
    expect(c.total).toEqual({ enrolled: 3, completed: 2 })
    expect(c.districts).toEqual(
      expect.arrayContaining([
        { code: '500105', name: '江北区', enrolled: 1, completed: 1 },
        { code: '500103', name: '渝中区', enrolled: 1, completed: 1 },
        { code: null, name: '未选择单位', enrolled: 1, completed: 0 },
      ]),
    )
    expect(c.districts).toHaveLength(3)
    expect(c.units).toEqual([{ unitId: hospital.id, name: hospital.name, districtName: '江北区', enrolled: 1, completed: 1 }])
    expect(((await get(finance.token, `/stats/completion?q=${encodeURIComponent('人民医院')}`)).json() as CompletionSummary).unitsMatched).toBe(1)
    expect(((await get(finance.token, `/stats/completion?q=${encodeURIComponent('林业')}`)).json() as CompletionSummary).units).toEqual([])
    expect(((await get(finance.token, '/stats/completion?year=2026')).json() as CompletionSummary).total).toEqual({ enrolled: 0, completed: 0 })
  })

  it("downloads a unit's completion report with ID numbers masked, recorded in the audit log", async () => {
    const res = await get(operator.token, `/stats/completion-report?year=2025&unit=${hospital.id}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const detail = book.getWorksheet('明细')
    const rows = (detail?.getSheetValues() ?? []).filter(Boolean).slice(1) as unknown[][]
    expect(rows).toHaveLength(1)
    const learner = learners[0] as Registered
    expect(rows[0]).toContain(learner.realName)
    expect(rows[0]).toContain('已完成')
    expect(res.rawPayload.toString('latin1')).not.toContain(learner.idNumber)
    const masked = (rows[0] ?? []).find((v) => typeof v === 'string' && v.includes('*')) as string
    expect(masked.slice(0, 4)).toBe(learner.idNumber.slice(0, 4))

    const log = (await get(admin.token, '/audit-log?action=report.completion_download')).json() as AuditLogPage
    expect(log.items).toEqual([expect.objectContaining({ staffId: operator.staffId, username: operator.username, target: `unit:${hospital.id}`, detail: { year: 2025, rows: 1 } })])
  })
})

describe('审计日志', () => {
  it('is for admins only', async () => {
    expect((await get(null, '/audit-log')).statusCode).toBe(401)
    expect((await get(finance.token, '/audit-log')).statusCode).toBe(403)
    expect((await get(operator.token, '/audit-log')).statusCode).toBe(403)
  })

  it('lists every action newest first, paged on the server, filtered by staff, action, target and time', async () => {
    const all = (await get(admin.token, '/audit-log?pageSize=100')).json() as AuditLogPage
    // Three sign-ins, the download, and tomorrow's sign-in (recorded a day later: the newest).
    expect(all.total).toBe(5)
    expect(all.totalCapped).toBe(false)
    expect(all.items.map((i) => i.action)).toEqual(['staff.sign_in', 'report.completion_download', 'staff.sign_in', 'staff.sign_in', 'staff.sign_in'])
    const second = (await get(admin.token, '/audit-log?pageSize=1&page=2')).json() as AuditLogPage
    expect(second.items).toEqual([all.items[1]])
    expect(second.total).toBe(5)

    const mine = (await get(admin.token, `/audit-log?staffId=${finance.staffId}`)).json() as AuditLogPage
    expect(mine.items.map((i) => [i.action, i.username])).toEqual([['staff.sign_in', finance.username]])
    const signIns = (await get(admin.token, '/audit-log?action=staff.sign_in')).json() as AuditLogPage
    expect(signIns.total).toBe(4)
    const byTarget = (await get(admin.token, `/audit-log?target=${encodeURIComponent(`unit:${hospital.id}`)}`)).json() as AuditLogPage
    expect(byTarget.total).toBe(1)
    const later = new Date(NOON.getTime() + 60_000).toISOString()
    expect(((await get(admin.token, `/audit-log?from=${encodeURIComponent(later)}`)).json() as AuditLogPage).items.map((i) => i.action)).toEqual(['staff.sign_in'])
    expect(((await get(admin.token, `/audit-log?to=${encodeURIComponent(later)}`)).json() as AuditLogPage).total).toBe(4)
    expect((await get(admin.token, '/audit-log?action=DROP%20TABLE')).statusCode).toBe(400)
  })
})
