import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../../test/app.ts'
import { buildTestAppWithProject } from '../../../test/catalogue-helpers.ts'
import { bearer, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { courseOutline, enrol } from '../../../test/factories.ts'

// Chapter videos reach the page only as signed links that expire (issue #26 point 4; docs/security.md,
// "Course media"): the built-in server (MEDIA_PROVIDER=static) checks them on every range request.

let t: TestApp
let projectId: number
let chapterIds: number[]
let courseId: number
beforeAll(async () => {
  ;({ t, projectId } = await buildTestAppWithProject())
  const outline = await courseOutline(t.database.db, projectId)
  courseId = outline[0]?.courseId as number
  chapterIds = (outline[0]?.chapters ?? []).map((c) => c.id)
})
afterAll(async () => t.close())

async function enrolledLearner(): Promise<Registered> {
  const learner = await registerLearner(t.app)
  await enrol(t.database.db, learner.userId, projectId)
  return learner
}

async function openChapter(learner: Registered, chapterId: number): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${chapterId}/sessions`, headers: bearer(learner.accessToken) })
  expect(res.statusCode).toBe(201)
  return res.json().chapter.videoUrl
}

/** What a <video> element does first on iOS: ask for two bytes, with no cookie or token. */
function probe(url: string) {
  return t.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-1' } })
}

describe('chapter video links', () => {
  it('gives the page a signed link bound to the chapter, which plays (206) without a token', async () => {
    const learner = await enrolledLearner()
    const url = await openChapter(learner, chapterIds[0] as number)
    expect(url).toMatch(new RegExp(`^/media/videos/lecture-[a-d]\\.mp4\\?chapter=${chapterIds[0]}&expires=\\d+&sig=[\\w-]{43}$`))
    const res = await probe(url)
    expect(res.statusCode).toBe(206)
    expect(res.headers['content-type']).toBe('video/mp4')
    expect(res.headers['content-range']).toMatch(/^bytes 0-1\/\d+$/)
    // The stored, unsigned path no longer serves the video.
    expect((await probe(url.split('?')[0] as string)).json().code).toBe('MEDIA_LINK_INVALID')
  })

  it('signs every chapter of the course player page too', async () => {
    const learner = await enrolledLearner()
    const res = await t.app.inject({ method: 'GET', url: `/api/learning/courses/${courseId}`, headers: bearer(learner.accessToken) })
    for (const chapter of res.json().chapters) expect(chapter.videoUrl).toContain(`?chapter=${chapter.id}&expires=`)
  })

  it('does not let chapter A\'s link fetch chapter B\'s media, even when both use one file', async () => {
    const learner = await enrolledLearner()
    const [a, b] = chapterIds as [number, number]
    const linkA = await openChapter(learner, a)
    const asB = linkA.replace(`chapter=${a}&`, `chapter=${b}&`)
    const res = await probe(asB)
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('MEDIA_LINK_INVALID')
  })

  it('stops a shared link after its lifetime; the learner gets a fresh one and plays on', async () => {
    const learner = await enrolledLearner()
    const chapterId = chapterIds[0] as number
    const shared = await openChapter(learner, chapterId)
    t.clock.advance(4 * 3600 * 1000 - 5000)
    expect((await probe(shared)).statusCode).toBe(206)
    t.clock.advance(10_000)
    const expired = await probe(shared)
    expect(expired.statusCode).toBe(403)
    expect(expired.json().code).toBe('MEDIA_LINK_EXPIRED')

    const fresh = await t.app.inject({ method: 'GET', url: `/api/learning/chapters/${chapterId}/video-link`, headers: bearer(learner.accessToken) })
    expect(fresh.statusCode).toBe(200)
    expect(Date.parse(fresh.json().expiresAt)).toBe(t.clock.now.getTime() + 4 * 3600 * 1000)
    // Seeking after the refresh: a range in the middle of the file.
    const seek = await t.app.inject({ method: 'GET', url: fresh.json().videoUrl, headers: { range: 'bytes=1000-1999' } })
    expect(seek.statusCode).toBe(206)
    expect(seek.rawPayload.length).toBe(1000)
  })

  it('gives fresh links only to a learner enrolled in the chapter\'s project', async () => {
    const stranger = await registerLearner(t.app)
    const res = await t.app.inject({ method: 'GET', url: `/api/learning/chapters/${chapterIds[0]}/video-link`, headers: bearer(stranger.accessToken) })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('NOT_ENROLLED')
    const missing = await t.app.inject({ method: 'GET', url: '/api/learning/chapters/999999/video-link', headers: bearer(stranger.accessToken) })
    expect(missing.statusCode).toBe(404)
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/learning/chapters/${chapterIds[0]}/video-link` })
    expect(anonymous.statusCode).toBe(401)
  })
})

describe('with a store or CDN configured', () => {
  let s3: TestApp
  let s3ProjectId: number
  beforeAll(async () => {
    ;({ t: s3, projectId: s3ProjectId } = await buildTestAppWithProject({
      config: {
        media: {
          provider: 's3',
          ttlSeconds: 7200,
          s3: { bucketUrl: 'https://minio.example.cn/videos', region: 'us-east-1', accessKeyId: 'app', secretAccessKey: 'a-long-enough-secret-key' },
          tencentCdn: null,
        },
      },
    }))
  })
  afterAll(async () => s3.close())

  it('hands out presigned S3 URLs that expire after MEDIA_URL_TTL_SECONDS', async () => {
    const [course] = await courseOutline(s3.database.db, s3ProjectId)
    const learner = await registerLearner(s3.app)
    await enrol(s3.database.db, learner.userId, s3ProjectId)
    const res = await s3.app.inject({ method: 'GET', url: `/api/learning/chapters/${course?.chapters[0]?.id}/video-link`, headers: bearer(learner.accessToken) })
    const url = new URL(res.json().videoUrl)
    expect(url.origin + url.pathname).toMatch(/^https:\/\/minio\.example\.cn\/videos\/media\/videos\/lecture-[a-d]\.mp4$/)
    expect(url.searchParams.get('X-Amz-Expires')).toBe('7200')
    expect(url.searchParams.get('X-Amz-Date')).toBe(s3.clock.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''))
    expect(url.searchParams.get('response-content-type')).toBe('video/mp4')
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
  })
})
