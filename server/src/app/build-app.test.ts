import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '@app/shared'
import { buildTestApp, type TestApp } from '../../test/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
})
afterAll(async () => t.close())

function expectErrorShape(body: Record<string, unknown>, statusCode: number) {
  expect(Object.keys(body).sort()).toEqual(['code', 'error', 'message', 'requestId', 'statusCode'])
  expect(body.statusCode).toBe(statusCode)
  expect(ERROR_CODES).toContain(body.code)
  expect(typeof body.message).toBe('string')
}

describe('API conventions', () => {
  it('answers /api/health with the database reachable', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', database: t.database.kind })
  })

  it('answers 503 from /api/health when the database is gone', async () => {
    const other = await buildTestApp({ seed: false })
    await other.database.close()
    const res = await other.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(503)
    expectErrorShape(res.json(), 503)
    expect(res.json().code).toBe('SERVICE_UNAVAILABLE')
    await other.app.close()
  })

  it('gives unknown API routes a 404 in the one error shape, with the request id echoed', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': 'trace-abc-123' } })
    expect(res.statusCode).toBe(404)
    expectErrorShape(res.json(), 404)
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: 'trace-abc-123' })
    expect(res.headers['x-request-id']).toBe('trace-abc-123')
  })

  it('refuses a bad path parameter with 400 VALIDATION_FAILED and a Chinese message', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/projects/abc' })
    expect(res.statusCode).toBe(400)
    expectErrorShape(res.json(), 400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
    expect(res.json().message).toMatch(/请求参数不正确/)
  })

  it('answers a missing project with 404 PROJECT_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/projects/999999' })
    expect(res.statusCode).toBe(404)
    expectErrorShape(res.json(), 404)
    expect(res.json().code).toBe('PROJECT_NOT_FOUND')
  })

  it('serves an OpenAPI document that lists the API routes with their error responses', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toMatch(/^3\./)
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/catalogue', '/api/projects/{id}']))
    expect(doc.paths['/api/catalogue'].get.responses['4XX'] ?? doc.paths['/api/catalogue'].get.responses['4xx']).toBeDefined()
    expect(Object.keys(doc.paths).some((p: string) => p.startsWith('/wx-sim'))).toBe(false)
  })
})

describe('catalogue', () => {
  it('lists the categories (the 体验 demo included) and the 2025 public-subjects project with price, hours and course count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/catalogue' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.categories.map((c: { name: string }) => c.name)).toEqual(['专技人员公需科目', '专业科目', '体验（演示）'])
    const project = body.categories[0].projects.find((p: { title: string }) => p.title === '重庆市2025年专技人员继续教育公需科目培训')
    expect(project).toMatchObject({ year: 2025, requiredHours: 30, state: 'not_purchased' })
    expect(project.priceFen).toBeGreaterThan(0)
    expect(project.courseCount).toBeGreaterThanOrEqual(12)
    expect(project.totalHours).toBeGreaterThan(30)
    expect(body.categories[1].projects.length).toBeGreaterThan(0)
    expect(body.yearlyRule).toEqual({ total: 90, publicSubjects: 30, professionalSubjects: 60 })
  })

  it('shows a project with its courses, each with hours, cover and chapters', async () => {
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json()
    const id = catalogue.categories[0].projects[0].id
    const res = await t.app.inject({ method: 'GET', url: `/api/projects/${id}` })
    expect(res.statusCode).toBe(200)
    const detail = res.json()
    expect(detail.categoryName).toBe('专技人员公需科目')
    expect(detail.courses.length).toBe(detail.project.courseCount)
    for (const course of detail.courses) {
      expect(course.hours).toBeGreaterThan(0)
      expect(course.coverUrl).toBeTruthy()
      expect(course.chapterCount).toBeGreaterThanOrEqual(2)
      expect(course.chapterCount).toBeLessThanOrEqual(5)
      expect(course.durationSeconds).toBeGreaterThan(0)
    }
  })
})
