import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { signInNewStaff, type SignedInStaff } from '../../../test/staff-helpers.ts'
import { projects, staffAuditLog } from '../../db/schema.ts'

// 课程与项目 in the staff console: every role reads projects with their courses, chapters and
// question counts (paged, filter: courses without questions); admins upload a content manifest
// (import-content's parser and import, audited with the content) and publish or unpublish a project.

let t: TestApp
let operator: SignedInStaff
let admin: SignedInStaff
beforeAll(async () => {
  t = await buildTestApp()
  operator = await signInNewStaff(t.app, t.database.db, 'operator')
  admin = await signInNewStaff(t.app, t.database.db, 'admin')
})
afterAll(async () => t.close())

const get = (token: string, query = '') => t.app.inject({ method: 'GET', url: `/api/staff/catalogue/projects${query}`, headers: bearer(token) })
const upload = (token: string, manifest: unknown, fileName = 'manifest.json') =>
  t.app.inject({
    method: 'POST',
    url: `/api/staff/catalogue/imports?fileName=${encodeURIComponent(fileName)}`,
    headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
    payload: Buffer.from(typeof manifest === 'string' ? manifest : JSON.stringify(manifest)),
  })
const publish = (token: string, id: number, published: boolean) =>
  t.app.inject({ method: 'POST', url: `/api/staff/catalogue/projects/${id}/publish`, headers: bearer(token), payload: { published, reason: '内容调整' } })

/** A project of one course that has no 防挂机 question, with the demo's media. */
const manifest = {
  categories: [],
  projects: [
    {
      code: 'console-upload',
      categoryCode: 'public',
      title: '控制台导入测试项目',
      year: 2026,
      priceFen: 100,
      requiredHours: 1,
      cover: 'media/covers/cq-2025-public.svg',
      courses: [
        {
          code: 'no-bank',
          title: '没有题库的课程',
          lecturer: '',
          hours: 1,
          cover: 'media/covers/xi-thought.svg',
          chapters: [
            { code: 'c1', title: '第一章', video: 'media/videos/lecture-a.mp4', durationSeconds: 24 },
            { code: 'c2', title: '第二章', video: 'media/videos/lecture-a.mp4', durationSeconds: 24 },
          ],
          questions: [],
        },
      ],
    },
  ],
}

describe('GET /api/staff/catalogue/projects', () => {
  it('refuses without a staff session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/staff/catalogue/projects' })).statusCode).toBe(401)
  })

  it('lists every project with courses, chapters and question counts, paged', async () => {
    const res = await get(operator.token, '?pageSize=1')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.items).toHaveLength(1)
    expect(body.total).toBeGreaterThan(1)
    const course = body.items[0].courses[0]
    expect(course.questionCount).toBeGreaterThan(0)
    expect(course.chapters.length).toBeGreaterThan(0)
    expect(JSON.stringify(body)).not.toContain('answerIndex')
  })
})

describe('POST /api/staff/catalogue/imports', () => {
  it('is for admins: 客服 is refused', async () => {
    const res = await upload(operator.token, manifest)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('STAFF_FORBIDDEN')
  })

  it('refuses a bad manifest with one line per problem and writes nothing', async () => {
    const bad = structuredClone(manifest)
    ;(bad.projects[0] as { requiredHours: unknown }).requiredHours = 'thirty'
    bad.projects[0]!.courses[0]!.chapters[0]!.video = 'media/videos/missing.mp4'
    const res = await upload(admin.token, bad)
    expect(res.statusCode).toBe(400)
    const { code, message } = res.json()
    expect(code).toBe('CONTENT_MANIFEST_INVALID')
    expect(message.split('\n')[0]).toMatch(/^课程清单有 \d+ 处问题/)
    expect(message).toContain('projects[0].requiredHours')
    expect(await t.database.db.select().from(projects).where(eq(projects.code, 'console-upload'))).toHaveLength(0)
    expect((await upload(admin.token, '{ not json')).json().code).toBe('CONTENT_MANIFEST_INVALID')
  })

  it('imports a manifest as import-content does, audited; the chapters of a course without questions are counted and filterable', async () => {
    const res = await upload(admin.token, manifest, '2026课程清单.json')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ projects: { created: 1 }, courses: { created: 1 }, chapters: { created: 2 }, questions: { created: 0 } })
    const again = await upload(admin.token, manifest)
    expect(again.json()).toMatchObject({ projects: { created: 0, unchanged: 1 }, chapters: { unchanged: 2 } })
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.action, 'catalogue.import'))
    expect(audit).toHaveLength(2)
    expect(audit[0]).toMatchObject({ staffId: admin.staffId, target: 'manifest:2026课程清单.json' })

    const empty = (await get(operator.token, '?emptyBanksOnly=true&pageSize=100')).json()
    const project = empty.items.find((p: { code: string }) => p.code === 'console-upload')
    expect(project).toMatchObject({ chaptersWithoutQuestions: 2, courses: [{ questionCount: 0 }] })
    expect(empty.items.every((p: { chaptersWithoutQuestions: number }) => p.chaptersWithoutQuestions > 0)).toBe(true)
  })
})

describe('POST /api/staff/catalogue/projects/:id/publish', () => {
  it('unpublishing hides the project from the catalogue; a learner who bought it keeps studying it; audited', async () => {
    const [row] = await t.database.db.select().from(projects).where(eq(projects.code, 'console-upload'))
    const id = row!.id
    expect((await publish(operator.token, id, false)).statusCode).toBe(403)
    const learner = await registerLearner(t.app)
    await enrol(t.database.db, learner.userId, id)

    expect((await publish(admin.token, id, false)).statusCode).toBe(204)
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue' })).body
    expect(catalogue).not.toContain('控制台导入测试项目')
    const plans = await t.app.inject({ method: 'GET', url: '/api/learning/plans', headers: bearer(learner.accessToken) })
    expect(plans.body).toContain('控制台导入测试项目')
    const listed = (await get(operator.token, '?pageSize=100')).json().items.find((p: { id: number }) => p.id === id)
    expect(listed.published).toBe(false)

    expect((await publish(admin.token, id, true)).statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/catalogue' })).body).toContain('控制台导入测试项目')
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.target, `project:${id}`)).orderBy(staffAuditLog.id)
    expect(audit.map((a) => a.action)).toEqual(['project.unpublish', 'project.publish'])
    expect(audit[0]?.detail).toMatchObject({ reason: '内容调整', wasPublished: true })
    expect((await publish(admin.token, 999_999, true)).json().code).toBe('PROJECT_NOT_FOUND')
  })
})
