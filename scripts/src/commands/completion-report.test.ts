import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chapterProgress, chapters, completionReport, completionWorkbook, courseCompletions, courses, type Database, enrollments, importCatalogue, projects, seedSampleOrganisations } from '@app/server/commands'
import { createTestDatabase, DEMO_SEED_DIR, enrol, insertUser, issueCertificate, newIdNumber } from '@app/server/testing'

let database: Database
let publicProject: number
let proProject: number
let unitId: number
const now = new Date('2025-06-01T02:00:00Z')

async function learner(realName: string) {
  const row = await insertUser(database.db, {
    realName,
    idNumber: newIdNumber(),
    phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    passwordHash: 'not-used',
    createdAt: now,
    updatedAt: now,
  })
  return row
}

/** Credits whole courses until the plan's hours are reached, as the learning module would. */
async function complete(userId: number, projectId: number) {
  const [project] = await database.db.select().from(projects).where(eq(projects.id, projectId))
  const list = await database.db.select().from(courses).where(eq(courses.projectId, projectId)).orderBy(asc(courses.sort))
  let hours = 0
  for (const c of list) {
    if (hours >= (project?.requiredHours ?? 0)) break
    await database.db.insert(courseCompletions).values({ userId, courseId: c.id, projectId, hours: c.hours, completedAt: now })
    hours += c.hours
  }
  await database.db.update(enrollments).set({ completedAt: now }).where(and(eq(enrollments.userId, userId), eq(enrollments.projectId, projectId)))
}

const deps = () => ({
  db: database.db,
  signingKey: 'test-key',
  issuerName: '示例发证机构',
  seal: { text: '示例发证机构', sample: true },
  publicBaseUrl: 'http://localhost:3000',
  now: () => now,
})

beforeAll(async () => {
  database = await createTestDatabase()
  await importCatalogue(database.db, path.join(DEMO_SEED_DIR, 'manifest.json'))
  await seedSampleOrganisations(database.db)
  const all = await database.db.select().from(projects).orderBy(asc(projects.id))
  publicProject = all[0]?.id as number
  proProject = all[1]?.id as number
  unitId = (await database.db.query.organisations.findFirst({ where: (o, { like }) => like(o.name, '%设计研究院%') }))?.id as number

  const done = await learner('张完成')
  await enrol(database.db, done.id, publicProject, now)
  await complete(done.id, publicProject)
  await issueCertificate(deps(), done.id, { projectId: publicProject, confirmName: done.realName, confirmIdNumber: done.idNumber, organisation: { unitId } })

  // Studying the public subjects; a certificate for the professional plan names their 区县.
  const studying = await learner('李学习')
  await enrol(database.db, studying.id, publicProject, now)
  await enrol(database.db, studying.id, proProject, now)
  await complete(studying.id, proProject)
  await issueCertificate(deps(), studying.id, { projectId: proProject, confirmName: studying.realName, confirmIdNumber: studying.idNumber, organisation: { districtCode: '500103' } })
  const [firstChapter] = await database.db.select().from(chapters).innerJoin(courses, eq(courses.id, chapters.courseId)).where(eq(courses.projectId, publicProject)).limit(1)
  await database.db.insert(chapterProgress).values({ userId: studying.id, chapterId: firstChapter?.chapters.id as number, creditedMs: 10_000, furthestMs: 10_000, updatedAt: now })

  const idle = await learner('王未学')
  await enrol(database.db, idle.id, publicProject, now)

  const refunded = await learner('赵退款')
  await enrol(database.db, refunded.id, publicProject, now)
  await database.db.update(enrollments).set({ status: 'revoked', revokedAt: now }).where(eq(enrollments.userId, refunded.id))
})
afterAll(async () => database.close())

describe('completion report (OPS-3)', () => {
  it('sorts learners into completed, studying and not started, by unit, 区县 or 「未选择单位」', async () => {
    const rows = await completionReport(database.db, { year: 2025 })
    const seen = rows.map((r) => [r.realName, r.organisationName, r.status, r.certificateNumber !== null])
    expect(seen).toEqual(
      expect.arrayContaining([
        ['张完成', '示例单位：重庆市某某设计研究院（样例）', 'completed', true],
        ['李学习', '重庆市渝中区', 'studying', false],
        ['李学习', '重庆市渝中区', 'completed', true],
        ['王未学', '未选择单位', 'not_started', false],
      ]),
    )
    expect(rows.map((r) => r.realName)).not.toContain('赵退款')
    expect(await completionReport(database.db, { year: 2024 })).toEqual([])
  })

  it('filters by unit and by 区县', async () => {
    expect((await completionReport(database.db, { year: 2025, unitId })).map((r) => r.realName)).toEqual(['张完成'])
    // 渝中区: 李学习 chose the district itself; 张完成's unit (the sample 设计研究院) is located there.
    expect((await completionReport(database.db, { year: 2025, districtCode: '500103' })).map((r) => r.realName).sort()).toEqual(['张完成', '李学习', '李学习'].sort())
    expect(await completionReport(database.db, { year: 2025, districtCode: '500101' })).toEqual([])
  })

  it('writes an .xlsx that reads back with a summary and masked ID numbers', async () => {
    const rows = await completionReport(database.db, { year: 2025 })
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-')), 'report.xlsx')
    fs.writeFileSync(file, await completionWorkbook(rows, { title: '2025年完成情况', fullIdNumbers: false }))

    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(file)
    const summary = book.getWorksheet('汇总')
    const detail = book.getWorksheet('明细')
    expect(summary?.getRow(1).values).toEqual([undefined, '单位/区县', '已完成', '学习中', '未开始', '合计'])
    const summaryRows = (summary?.getSheetValues() ?? []).slice(2).map((v) => (v as unknown[]).slice(1))
    expect(summaryRows).toContainEqual(['重庆市渝中区', 1, 1, 0, 2])
    expect(summaryRows).toContainEqual(['未选择单位', 0, 0, 1, 1])
    expect(detail?.rowCount).toBe(1 + rows.length)
    const idle = detail?.getSheetValues().find((v) => Array.isArray(v) && v.includes('王未学')) as unknown[]
    expect(idle).toContain('未开始')
    expect(String(idle[4])).toMatch(/^5001\*{10}\d{3}[\dX]$/)
  })
})
