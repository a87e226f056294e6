import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { CategoryCode } from '@app/shared'
import type { Database } from '../../db/client.ts'
import { categories, chapters, courses, projects, questions } from '../../db/schema.ts'
import { hasCatalogue, importCatalogue } from './catalogue-import.service.ts'
import { ManifestError, jsonPath, type Manifest } from './catalogue-manifest.parser.ts'
import { probeMp4 } from './mp4.parser.ts'
import { createTestDatabase } from '../../../test/db.ts'

const demoDir = path.resolve(import.meta.dirname, '../../../seed/demo')
const demoManifest = path.join(demoDir, 'manifest.json')
const readDemo = (): Manifest => JSON.parse(fs.readFileSync(demoManifest, 'utf8')) as Manifest

let database: Database
let tmpDirs: string[] = []

// One migrated database per file (PGlite, or a PostgreSQL clone in CI); each test starts empty.
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database.close()
})
beforeEach(async () => {
  await database.db.execute(sql`truncate categories, projects, courses, chapters, questions restart identity cascade`)
})
afterEach(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true })
  tmpDirs = []
})

/** Writes an edited copy of the demo manifest beside a link to the demo media; returns its path. */
function writeVariant(edit: (m: Manifest) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-import-'))
  tmpDirs.push(dir)
  fs.symlinkSync(path.join(demoDir, 'media'), path.join(dir, 'media'), 'dir')
  const manifest = readDemo()
  edit(manifest)
  const file = path.join(dir, 'manifest.json')
  fs.writeFileSync(file, JSON.stringify(manifest))
  return file
}

async function rowCounts() {
  const count = async (table: typeof categories | typeof projects | typeof courses | typeof chapters | typeof questions) =>
    (await database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n
  return {
    categories: await count(categories),
    projects: await count(projects),
    courses: await count(courses),
    chapters: await count(chapters),
    questions: await count(questions),
  }
}

async function expectRefused(manifestPath: string, ...fragments: string[]): Promise<void> {
  const before = await rowCounts()
  const titles = await database.db.select({ id: courses.id, title: courses.title }).from(courses).orderBy(courses.id)
  const error = await importCatalogue(database.db, manifestPath).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ManifestError)
  for (const fragment of fragments) expect((error as ManifestError).message).toContain(fragment)
  expect(await rowCounts()).toEqual(before)
  expect(await database.db.select({ id: courses.id, title: courses.title }).from(courses).orderBy(courses.id)).toEqual(titles)
}

describe('importCatalogue with the demo manifest', () => {
  it('seeds the public-subjects project the manual describes, a professional project and the 体验 project', async () => {
    expect(await hasCatalogue(database.db)).toBe(false)
    const report = await importCatalogue(database.db, demoManifest)
    expect(await hasCatalogue(database.db)).toBe(true)
    expect(report.projects).toMatchObject({ created: 3, updated: 0, unchanged: 0 })

    const all = await database.db
      .select({ project: projects, categoryCode: categories.code, categoryName: categories.name })
      .from(projects)
      .innerJoin(categories, eq(categories.id, projects.categoryId))
    const publicProject = all.find((r) => r.project.title === '重庆市2025年专技人员继续教育公需科目培训')
    expect(publicProject).toMatchObject({
      categoryCode: CategoryCode.PUBLIC,
      categoryName: '专技人员公需科目',
      project: { year: 2025, requiredHours: 30, priceFen: 9000 },
    })
    const professional = all.find((r) => r.categoryCode === CategoryCode.PROFESSIONAL)
    expect(professional?.categoryName).toBe('专业科目')
    expect(professional?.project.requiredHours).toBe(60)

    // The try-it path: marked as a demo, in its own category, its plan done in about two minutes
    // of video, long enough for one 防挂机 question at the development interval (30–90 s).
    const trial = all.find((r) => r.categoryCode === 'trial')
    expect(trial?.project.title).toMatch(/体验.*演示/)
    const trialChapters = await database.db
      .select({ seconds: chapters.durationSeconds, hours: courses.hours })
      .from(chapters)
      .innerJoin(courses, eq(courses.id, chapters.courseId))
      .where(eq(courses.projectId, trial?.project.id ?? 0))
    const seconds = trialChapters.reduce((sum, c) => sum + c.seconds, 0)
    expect(seconds).toBeGreaterThan(90)
    expect(seconds).toBeLessThanOrEqual(150)

    for (const { project } of all) {
      const list = await database.db.select().from(courses).where(eq(courses.projectId, project.id))
      const hours = list.reduce((sum, c) => sum + c.hours, 0)
      expect(hours).toBeGreaterThanOrEqual(project.requiredHours)
      if (project.id === publicProject?.project.id) {
        expect(list.length).toBeGreaterThanOrEqual(12)
        expect(hours).toBeGreaterThan(30)
      }
      for (const course of list) {
        expect(course.coverUrl).toMatch(/^\/media\/covers\/.+\.svg$/)
        expect(fs.existsSync(path.join(demoDir, decodeURIComponent(course.coverUrl)))).toBe(true)
        const chs = await database.db.select().from(chapters).where(eq(chapters.courseId, course.id))
        expect(chs.length).toBeGreaterThanOrEqual(2)
        expect(chs.length).toBeLessThanOrEqual(5)
        for (const ch of chs) expect(ch.videoUrl).toMatch(/^\/media\/videos\/.+\.mp4$/)
        const qs = await database.db.select().from(questions).where(eq(questions.courseId, course.id))
        expect(qs.length).toBeGreaterThanOrEqual(5)
        for (const q of qs) expect(q.answerIndex).toBeLessThan(q.options.length)
      }
    }
  })

  it('changes nothing when the same manifest is imported again', async () => {
    await importCatalogue(database.db, demoManifest)
    const before = await rowCounts()
    const report = await importCatalogue(database.db, demoManifest)
    for (const counts of Object.values(report)) {
      expect(counts.created + counts.updated + counts.notInManifest).toBe(0)
      expect(counts.unchanged).toBeGreaterThan(0)
    }
    expect(await rowCounts()).toEqual(before)
  })

  it('updates an edited title in place, keeping the row and its id', async () => {
    await importCatalogue(database.db, demoManifest)
    const [before] = await database.db.select().from(courses).where(eq(courses.code, 'digital-economy'))
    const edited = writeVariant((m) => {
      const course = m.projects[0]?.courses.find((c) => c.code === 'digital-economy')
      if (course) course.title = '数字经济与数字化转型（2025修订）'
    })
    const report = await importCatalogue(database.db, edited)
    expect(report.courses).toMatchObject({ created: 0, updated: 1 })
    expect(report.chapters.updated + report.questions.updated).toBe(0)
    const [after] = await database.db.select().from(courses).where(eq(courses.code, 'digital-economy'))
    expect(after).toEqual({ ...before, title: '数字经济与数字化转型（2025修订）' })
  })

  it('stores https media unchanged and relative media under /media/', async () => {
    const cdn = writeVariant((m) => {
      const course = m.projects[1]?.courses[0]
      if (course?.chapters[0]) {
        course.cover = 'https://cdn.example.com/covers/quality.jpg'
        course.chapters[0].video = 'https://cdn.example.com/videos/quality-1.mp4'
      }
    })
    await importCatalogue(database.db, cdn)
    const [course] = await database.db.select().from(courses).where(eq(courses.code, 'quality-acceptance'))
    expect(course?.coverUrl).toBe('https://cdn.example.com/covers/quality.jpg')
    const list = await database.db.select().from(chapters).where(eq(chapters.courseId, course?.id ?? 0)).orderBy(chapters.sort)
    expect(list.map((c) => c.videoUrl)).toEqual([
      'https://cdn.example.com/videos/quality-1.mp4',
      ...(readDemo().projects[1]?.courses[0]?.chapters.slice(1).map((c) => `/${c.video}`) ?? []),
    ])
  })

  it('counts rows the manifest no longer lists and keeps them', async () => {
    await importCatalogue(database.db, demoManifest)
    const shorter = writeVariant((m) => m.projects[0]?.courses[0]?.questions.pop())
    const report = await importCatalogue(database.db, shorter)
    expect(report.questions.notInManifest).toBe(1)
    expect((await rowCounts()).questions).toBe(readDemo().projects.flatMap((p) => p.courses).flatMap((c) => c.questions).length)
  })
})

describe('importCatalogue refuses a bad manifest and writes nothing', () => {
  beforeEach(async () => {
    await importCatalogue(database.db, demoManifest)
  })

  it('refuses an answerIndex outside the options', async () => {
    const bad = writeVariant((m) => {
      const q = m.projects[0]?.courses[2]?.questions[1]
      if (q) q.answerIndex = q.options.length
    })
    await expectRefused(bad, 'projects[0].courses[2].questions[1].answerIndex must be <')
  })

  it('refuses a media path that has no file', async () => {
    const bad = writeVariant((m) => {
      const c = m.projects[0]?.courses[1]
      if (c) c.cover = 'media/covers/missing.svg'
    })
    await expectRefused(bad, 'projects[0].courses[1].cover refers to a missing file: media/covers/missing.svg')
  })

  it('refuses duplicate codes', async () => {
    const bad = writeVariant((m) => {
      const chs = m.projects[1]?.courses[0]?.chapters
      if (chs?.[0] && chs[1]) chs[1].code = chs[0].code
    })
    await expectRefused(bad, 'projects[1].courses[0].chapters[1].code "ch1" duplicates projects[1].courses[0].chapters[0].code')
  })

  it('names the JSON path of a schema violation', async () => {
    const bad = writeVariant((m) => {
      const ch = m.projects[0]?.courses[3]?.chapters[1]
      if (ch) ch.durationSeconds = 0
      ;(m.projects[0] as Record<string, unknown>)['priceYuan'] = 90
    })
    await expectRefused(bad, 'projects[0].courses[3].chapters[1].durationSeconds must be ≥ 1', 'projects[0].priceYuan is not a known field')
  })

  it('refuses a durationSeconds that differs from the video file', async () => {
    const bad = writeVariant((m) => {
      const ch = m.projects[0]?.courses[0]?.chapters[0]
      if (ch) ch.durationSeconds += 5
    })
    await expectRefused(bad, 'projects[0].courses[0].chapters[0].durationSeconds is')
  })

  it('refuses courses whose hours do not reach the requirement', async () => {
    const bad = writeVariant((m) => {
      if (m.projects[0]) m.projects[0].requiredHours = 100
    })
    await expectRefused(bad, 'projects[0].courses hours add up to 40, less than projects[0].requiredHours (100)')
  })

  it('rolls back categories written before an unknown categoryCode is found', async () => {
    const bad = writeVariant((m) => {
      m.categories.push({ code: 'extra', name: '新增分类', sort: 3 })
      if (m.projects[1]) m.projects[1].categoryCode = 'nope'
    })
    await expectRefused(bad, 'projects[1].categoryCode "nope"')
  })

  it('refuses media outside the served media/ folder', async () => {
    const bad = writeVariant((m) => {
      const ch = m.projects[0]?.courses[0]?.chapters[0]
      if (ch) ch.video = '../manifest.json'
    })
    await expectRefused(bad, 'projects[0].courses[0].chapters[0].video must be a plain relative path')
  })
})

describe('demo videos', () => {
  const manifest = readDemo()
  const chapterList = manifest.projects.flatMap((p) => p.courses.flatMap((c) => c.chapters))
  const videos = [...new Set(chapterList.map((c) => c.video))]

  it('are few and small enough to keep in the repository', () => {
    expect(videos.length).toBeLessThanOrEqual(4)
    const mediaBytes = (dir: string): number =>
      fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
        const p = path.join(dir, e.name)
        return sum + (e.isDirectory() ? mediaBytes(p) : fs.statSync(p).size)
      }, 0)
    expect(mediaBytes(path.join(demoDir, 'media'))).toBeLessThan(2 * 1024 * 1024)
  })

  it.each(videos)('%s is an H.264 MP4 with moov first, as long as its chapters say', async (video) => {
    const bytes = fs.readFileSync(path.join(demoDir, video))
    expect(bytes.toString('latin1', 4, 8)).toBe('ftyp')
    expect(bytes.indexOf('avc1', 0, 'latin1')).toBeGreaterThan(0)
    expect(bytes.indexOf('moov', 0, 'latin1')).toBeLessThan(bytes.indexOf('mdat', 0, 'latin1'))

    // mvhd read by hand as a cross-check of the importer's box reader.
    const mvhd = bytes.indexOf('mvhd', 0, 'latin1') + 4
    const v1 = bytes.readUInt8(mvhd) === 1
    const timescale = bytes.readUInt32BE(mvhd + (v1 ? 20 : 12))
    const duration = v1 ? Number(bytes.readBigUInt64BE(mvhd + 24)) : bytes.readUInt32BE(mvhd + 16)
    const seconds = duration / timescale
    expect((await probeMp4(path.join(demoDir, video))).durationSeconds).toBeCloseTo(seconds, 3)
    expect(seconds).toBeGreaterThanOrEqual(20)
    expect(seconds).toBeLessThanOrEqual(40.5)
    for (const chapter of chapterList.filter((c) => c.video === video)) {
      expect(Math.abs(chapter.durationSeconds - seconds)).toBeLessThanOrEqual(1)
    }
  })
})

describe('jsonPath', () => {
  it('turns a JSON pointer into the dotted path used in messages', () => {
    expect(jsonPath('/projects/0/courses/3/chapters/1/durationSeconds')).toBe('projects[0].courses[3].chapters[1].durationSeconds')
    expect(jsonPath('')).toBe('manifest')
  })
})
