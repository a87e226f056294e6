import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCertificateNumber, maskIdNumber, type Certificate } from '@app/shared'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { firstProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { enrol } from '../../../test/factories.ts'
import { certificateFiles, certificates, enrollments, users } from '../../db/schema.ts'
import { completePlan } from '../../../test/learning-helpers.ts'
import { seedSampleOrganisations } from './organisations.seed.ts'

let t: TestApp
let projectId: number
let unitId: number
beforeAll(async () => {
  t = await buildTestApp()
  await seedSampleOrganisations(t.database.db)
  await seedSampleOrganisations(t.database.db) // idempotent
  projectId = (await firstProject(t)).id
  const learner = await registerLearner(t.app)
  const units = await t.app.inject({ method: 'GET', url: `/api/certificates/organisations?q=${encodeURIComponent('设计研究院')}`, headers: bearer(learner.accessToken) })
  unitId = units.json().organisations[0].id
})
afterAll(async () => t.close())

async function completedLearner(realName = '欧阳娜娜'): Promise<Registered> {
  const learner = await registerLearner(t.app, { realName })
  await enrol(t.database.db, learner.userId, projectId, t.clock.now)
  await completePlan(t, learner, projectId)
  return learner
}

function issue(learner: Registered, overrides: Record<string, unknown> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/certificates',
    headers: bearer(learner.accessToken),
    payload: { projectId, confirmName: learner.realName, confirmIdNumber: learner.idNumber, organisation: { unitId }, ...overrides },
  })
}

async function issued(learner: Registered): Promise<Certificate> {
  const res = await issue(learner)
  expect(res.statusCode).toBe(201)
  return res.json()
}

async function storedKinds(certificateId: number): Promise<string[]> {
  const rows = await t.database.db.select({ kind: certificateFiles.kind }).from(certificateFiles).where(eq(certificateFiles.certificateId, certificateId))
  return rows.map((r) => r.kind).sort()
}

const verify = (number: string, remoteAddress = '127.0.0.1') => t.app.inject({ method: 'GET', url: `/api/verify/${number}`, remoteAddress })

describe('eligibility (CRT-1, CRT-2)', () => {
  it('refuses learners who have not bought the plan', async () => {
    const learner = await registerLearner(t.app)
    const res = await issue(learner)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('NOT_ENROLLED')
  })

  it('refuses an incomplete plan and says how many 学时 are missing; 我的证书 lists it with the same figure', async () => {
    const learner = await registerLearner(t.app)
    await enrol(t.database.db, learner.userId, projectId, t.clock.now)
    const res = await issue(learner)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'PLAN_NOT_COMPLETED', message: '培训计划尚未完成，还差 30 学时，完成后即可打印证书' })
    const list = (await t.app.inject({ method: 'GET', url: '/api/certificates', headers: bearer(learner.accessToken) })).json()
    expect(list.plans).toEqual([expect.objectContaining({ projectId, completed: false, remainingHours: 30, certificateId: null, needsProfile: false })])
  })

  it('refuses a refunded (revoked) enrolment even when its plan was completed', async () => {
    const learner = await completedLearner()
    await t.database.db.update(enrollments).set({ status: 'revoked', revokedAt: t.clock.now }).where(eq(enrollments.userId, learner.userId))
    const res = await issue(learner)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('NOT_ENROLLED')
  })
})

describe('完善个人信息 and issue (CRT-2, CRT-5, ACC-6)', () => {
  let learner: Registered
  let certificate: Certificate
  beforeAll(async () => {
    learner = await completedLearner()
  })

  it('asks for the profile before the first certificate', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/certificates', headers: bearer(learner.accessToken) })).json()
    expect(list.plans[0]).toMatchObject({ projectId, completed: true, remainingHours: 0, certificateId: null, needsProfile: true })
  })

  it('refuses a name or ID number that differs from the account, pointing to customer service', async () => {
    for (const overrides of [{ confirmName: '欧阳娜' }, { confirmIdNumber: '110101199003070011' }]) {
      const res = await issue(learner, overrides)
      expect(res.statusCode).toBe(422)
      expect(res.json().code).toBe('CERTIFICATE_DATA_MISMATCH')
      expect(res.json().message).toContain('400-023-9229')
    }
  })

  it('refuses a unit or district that does not exist', async () => {
    expect((await issue(learner, { organisation: { unitId: 999_999 } })).json().code).toBe('ORGANISATION_NOT_FOUND')
    expect((await issue(learner, { organisation: { districtCode: '510104' } })).json().code).toBe('DISTRICT_NOT_FOUND')
  })

  it('issues once with a checked number and frozen data; a second call returns the same certificate', async () => {
    certificate = await issued(learner)
    expect(isCertificateNumber(certificate.number)).toBe(true)
    expect(certificate.number.startsWith('CQ2025')).toBe(true)
    expect(certificate).toMatchObject({
      realName: '欧阳娜娜',
      idNumber: learner.idNumber,
      projectTitle: '重庆市2025年专技人员继续教育公需科目培训',
      year: 2025,
      organisationKind: 'unit',
      organisationName: '示例单位：重庆市某某设计研究院（样例）',
      verifyUrl: `${t.baseUrl}/verify/${certificate.number}`,
    })
    expect(certificate.hours).toBeGreaterThanOrEqual(30)
    const again = await issue(learner, { organisation: { districtCode: '500101' } })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(certificate)
    const list = (await t.app.inject({ method: 'GET', url: '/api/certificates', headers: bearer(learner.accessToken) })).json()
    expect(list.plans[0]).toMatchObject({ certificateId: certificate.id, certificateNumber: certificate.number, needsProfile: false })
  })

  it('locks name and ID number in 我的 once a certificate exists', async () => {
    const me = (await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(learner.accessToken) })).json()
    expect(me.certificateDataLocked).toBe(true)
  })

  it('shows the full ID number to the owner only', async () => {
    const own = await t.app.inject({ method: 'GET', url: `/api/certificates/${certificate.id}`, headers: bearer(learner.accessToken) })
    expect(own.json().idNumber).toBe(learner.idNumber)
    const other = await registerLearner(t.app)
    for (const url of [`/api/certificates/${certificate.id}`, `/api/certificates/${certificate.id}/certificate.pdf`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(other.accessToken) })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ code: 'CERTIFICATE_NOT_FOUND', message: '证书不存在' })
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/certificates/${certificate.id}` })).statusCode).toBe(401)
  })

  it('keeps the issued data when the profile changes later, and the signature still holds', async () => {
    await t.database.db.update(users).set({ realName: '欧阳改名' }).where(eq(users.id, learner.userId))
    const own = (await t.app.inject({ method: 'GET', url: `/api/certificates/${certificate.id}`, headers: bearer(learner.accessToken) })).json()
    expect(own.realName).toBe('欧阳娜娜')
    expect((await verify(certificate.number)).json()).toMatchObject({ genuine: true, certificate: { realName: '欧阳娜娜' } })
  })

  it('records the 区县 when the unit cannot be found', async () => {
    const other = await completedLearner('李四')
    const res = await issue(other, { organisation: { districtCode: '500103' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ organisationKind: 'district', organisationName: '重庆市渝中区' })
  })
})

describe('组织机构 (CRT-2)', () => {
  it('lists all 38 districts and counties of Chongqing with GB/T 2260 codes', async () => {
    const learner = await registerLearner(t.app)
    const { districts } = (await t.app.inject({ method: 'GET', url: '/api/certificates/districts', headers: bearer(learner.accessToken) })).json()
    expect(districts).toHaveLength(38)
    expect(districts).toContainEqual({ code: '500101', name: '万州区' })
    expect(districts).toContainEqual({ code: '500243', name: '彭水苗族土家族自治县' })
    expect(districts.every((d: { code: string }) => /^500[12]\d\d$/.test(d.code))).toBe(true)
  })

  it('finds units by part of their name, at most 20, with wildcards taken literally', async () => {
    const learner = await registerLearner(t.app)
    const search = async (q: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/certificates/organisations?q=${encodeURIComponent(q)}`, headers: bearer(learner.accessToken) })).json().organisations
    expect(await search('人民医院')).toEqual([{ id: expect.any(Number), name: '示例单位：重庆市某某人民医院（样例）', districtCode: '500105', districtName: '江北区' }])
    expect(await search('%')).toEqual([])
    expect((await search('')).length).toBeLessThanOrEqual(20)
  })
})

describe('public verification (CRT-4)', () => {
  let learner: Registered
  let certificate: Certificate
  beforeAll(async () => {
    learner = await completedLearner('王五')
    certificate = await issued(learner)
  })

  it('confirms a genuine certificate with the ID number masked, without sign-in', async () => {
    const res = await verify(certificate.number.toLowerCase())
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      genuine: true,
      signatureValid: true,
      certificate: { number: certificate.number, realName: '王五', idNumberMasked: maskIdNumber(learner.idNumber), year: 2025 },
    })
    expect(res.body).not.toContain(learner.idNumber)
  })

  it('answers 「证书不存在」 for unknown or malformed numbers', async () => {
    const body = certificate.number.slice(0, -1)
    const wrongCheck = body + (certificate.number.endsWith('0') ? '1' : '0')
    for (const number of ['CQ2025AAAAAAAAAAAAA', wrongCheck, 'nonsense']) {
      const res = await verify(number)
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ code: 'CERTIFICATE_NOT_FOUND', message: '证书不存在' })
    }
  })

  it('detects data changed in the database behind the application', async () => {
    await t.database.db.update(certificates).set({ hours: 60 }).where(eq(certificates.id, certificate.id))
    expect((await verify(certificate.number)).json()).toMatchObject({ genuine: false, signatureValid: false, certificate: { hours: 60 } })
  })

  it('limits look-ups to 60 a minute per address, without affecting other addresses', async () => {
    t.clock.advance(60_000)
    for (let i = 0; i < 60; i++) expect((await verify(certificate.number, '203.0.113.9')).statusCode).toBe(200)
    const limited = await verify(certificate.number, '203.0.113.9')
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect((await verify(certificate.number, '203.0.113.10')).statusCode).toBe(200)
    t.clock.advance(60_000)
    expect((await verify(certificate.number, '203.0.113.9')).statusCode).toBe(200)
  })
})

describe('the 体验 demo project (CAT-1, CRT-3)', () => {
  it('verifies its certificate as a 样例, never as genuine', async () => {
    const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json<{ categories: Array<{ code: string; projects: Array<{ id: number }> }> }>()
    const trialId = catalogue.categories.find((c) => c.code === 'trial')?.projects[0]?.id
    if (trialId === undefined) throw new Error('no 体验 project in the demo catalogue')
    const learner = await registerLearner(t.app, { realName: '体验学员' })
    await enrol(t.database.db, learner.userId, trialId, t.clock.now)
    await completePlan(t, learner, trialId)
    const res = await issue(learner, { projectId: trialId })
    expect(res.statusCode).toBe(201)
    const sample = (await verify(res.json<Certificate>().number)).json()
    expect(sample).toMatchObject({ genuine: false, signatureValid: true, sample: true, certificate: { realName: '体验学员' } })
    // A certificate of a real plan is no sample.
    const real = await issued(await completedLearner('赵六'))
    expect((await verify(real.number)).json()).toMatchObject({ genuine: true, signatureValid: true, sample: false })
  })
})

describe('rendering at issue (CAT-1, CRT-3)', () => {
  it('renders the image and the PDF in the background once the certificate is issued, before anyone asks', async () => {
    const learner = await completedLearner('孙七')
    const certificate = await issued(learner)
    // No file was requested: the issue itself started the rendering, without waiting for it.
    await expect.poll(() => storedKinds(certificate.id), { timeout: 30_000 }).toEqual(['pdf', 'png'])
    const [stored] = await t.database.db.select({ bytes: certificateFiles.bytes }).from(certificateFiles).where(eq(certificateFiles.certificateId, certificate.id)).orderBy(certificateFiles.kind).offset(1)
    const png = await t.app.inject({ method: 'GET', url: certificate.pngUrl, headers: bearer(learner.accessToken) })
    expect(png.statusCode).toBe(200)
    expect(stored && png.rawPayload.equals(Buffer.from(stored.bytes))).toBe(true)
    // A second issue request answers the same certificate and renders nothing more.
    expect((await issue(learner)).statusCode).toBe(200)
    expect(await storedKinds(certificate.id)).toEqual(['pdf', 'png'])
  })
})

describe('files (CRT-3)', () => {
  let learner: Registered
  let certificate: Certificate
  beforeAll(async () => {
    learner = await completedLearner('欧阳娜娜')
    certificate = await issued(learner)
  })

  it('serves an A4 landscape PDF inline whose text holds the Chinese name and project, and caches it', async () => {
    const res = await t.app.inject({ method: 'GET', url: certificate.pdfUrl, headers: bearer(learner.accessToken) })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toBe(`inline; filename="certificate-${certificate.number}.pdf"`)
    const { extractText, getDocumentProxy } = await import('unpdf')
    const pdf = await getDocumentProxy(new Uint8Array(res.rawPayload))
    const page = await pdf.getPage(1)
    const [, , width, height] = page.view as number[]
    expect((width as number) / (height as number)).toBeCloseTo(297 / 210, 2)
    const { text } = await extractText(pdf, { mergePages: true })
    const plain = text.replace(/\s+/g, '')
    for (const expected of ['欧阳娜娜', '重庆市2025年专技人员继续教育公需科目培训', learner.idNumber, certificate.number, '合格证书'.split('').join(''), '样章']) {
      expect(plain).toContain(expected.replace(/\s+/g, ''))
    }
    expect(plain).not.toMatch(/[\uFFFD?□]/)
    const again = await t.app.inject({ method: 'GET', url: certificate.pdfUrl, headers: bearer(learner.accessToken) })
    expect(again.rawPayload.equals(res.rawPayload)).toBe(true)
    // One stored rendering of each kind: the one made in the background at issue, or by this request.
    await expect.poll(() => storedKinds(certificate.id)).toEqual(['pdf', 'png'])
  })

  it('serves a PNG in A4 landscape proportions that is not blank', async () => {
    const res = await t.app.inject({ method: 'GET', url: certificate.pngUrl, headers: bearer(learner.accessToken) })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    const { PNG } = await import('pngjs')
    const png = PNG.sync.read(res.rawPayload)
    expect(png.width / png.height).toBeCloseTo(297 / 210, 2)
    expect(png.width).toBeGreaterThanOrEqual(1200)
    let sum = 0
    let sumSq = 0
    let red = 0
    const n = png.width * png.height
    for (let i = 0; i < png.data.length; i += 4) {
      const lum = (png.data[i] as number) * 0.299 + (png.data[i + 1] as number) * 0.587 + (png.data[i + 2] as number) * 0.114
      sum += lum
      sumSq += lum * lum
      if ((png.data[i] as number) > 180 && (png.data[i + 1] as number) < 90 && (png.data[i + 2] as number) < 90) red += 1
    }
    const variance = sumSq / n - (sum / n) ** 2
    expect(variance).toBeGreaterThan(200)
    expect(png.data[3]).toBe(255) // opaque: transparent images show black in some WeChat viewers
    expect(red).toBeGreaterThan(1000) // the seal
  })
})

describe('file links for <img> and 「打印证书」', () => {
  it('opens the PNG and PDF through short-lived signed links, and nothing else', async () => {
    const learner = await completedLearner('林小雨')
    const cert = await issued(learner)
    expect((await t.app.inject({ method: 'GET', url: `/api/certificates/${cert.id}/certificate.png` })).statusCode).toBe(401)
    const png = await t.app.inject({ method: 'GET', url: cert.pngUrl })
    expect(png.statusCode).toBe(200)
    expect(png.headers['content-type']).toBe('image/png')
    const pdf = await t.app.inject({ method: 'GET', url: cert.pdfUrl })
    expect(pdf.headers['content-type']).toBe('application/pdf')

    // The PNG link does not open the PDF, another certificate, or a forged signature.
    expect((await t.app.inject({ method: 'GET', url: cert.pngUrl.replace('certificate.png', 'certificate.pdf') })).statusCode).toBe(401)
    const other = await issued(await completedLearner('周一'))
    expect((await t.app.inject({ method: 'GET', url: cert.pngUrl.replace(`/${cert.id}/`, `/${other.id}/`) })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: cert.pngUrl.replace(/sig=[^&]+/, 'sig=forged') })).statusCode).toBe(401)

    t.clock.advance(31 * 60_000)
    expect((await t.app.inject({ method: 'GET', url: cert.pngUrl })).statusCode).toBe(401)
  })
})
