import type { Catalogue } from '@app/shared/catalogue'
import type { Certificate } from '@app/shared/certificates'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The server's test harness prepares this file's data before the server starts (as in
// certificates.e2e.test.ts): learners of the 体验 demo project who studied through the learning API
// while the harness's clock moved. Nothing here is in the server.
import { bearer, courseOutline, enrol, completePlan, PASSWORD, prepareServerData, registerLearner, type Registered, type TestApp } from '@app/server/testing'
import { startJourney, type Journey } from './browser.ts'
import { startServer, type StartedServer } from './global-setup.ts'

// The end of a plan (LRN-6, CRT-1, CRT-4): the chapter veil after an end short of completion offers only
// 「从已学进度继续」 (no 「下一章」 for a chapter not complete), the 「培训计划已完成」 dialog leads on to
// 「查看证书」, and the 体验 demo project's certificate verifies as a 样例, never 「证书真实有效」.

/** The harness's clock runs this far behind the real one, so nothing prepared lies in the server's future. */
const PREPARED_BEFORE_MS = 2 * 60 * 60_000
/** Left unwatched of the plan's last chapter: a few seconds of real playing complete the plan. */
const LEFT_SECONDS = 4

let server: StartedServer
let origin: string
let journey: Journey
let trialCourseId: number
let lastChapterId: number
/** Completed the 体验 plan; holds its certificate once the server runs. */
let finished: Registered
/** All of the 体验 plan watched but its last seconds. */
let nearlyDone: Registered
/** Bought the 体验 plan, watched nothing. */
let beginner: Registered

/** Plays a chapter through the learning API up to `untilSeconds`, in 10-second reports with the clock. */
async function watchUntil(t: TestApp, learner: Registered, chapterId: number, untilSeconds: number): Promise<void> {
  const opened = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${chapterId}/sessions`, headers: bearer(learner.accessToken) })
  if (opened.statusCode !== 201) throw new Error(`open ${opened.statusCode} ${opened.body}`)
  const { sessionId } = opened.json<{ sessionId: string }>()
  let position = 0
  let seq = 0
  while (position < untilSeconds) {
    const step = Math.min(10, untilSeconds - position)
    t.clock.advance(step * 1000)
    position += step
    seq += 1
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/learning/sessions/${sessionId}/reports`,
      headers: bearer(learner.accessToken),
      payload: { seq, positionSeconds: position, clientElapsedMs: position * 1000, playing: true },
    })
    if (res.statusCode !== 200) throw new Error(`report ${res.statusCode} ${res.body}`)
  }
}

async function signIn(learner: Registered): Promise<void> {
  const page = await journey.context.newPage()
  const login = await page.request.post(`${origin}/api/auth/login`, { data: { account: learner.phone, password: PASSWORD } })
  expect(login.status()).toBe(200)
  await page.close()
}

/** The 体验 course in the player, on the given chapter (else the first one not complete). */
async function openPlayer(chapterId?: number): Promise<Page> {
  const page = await journey.context.newPage()
  await page.goto(`${origin}/learn/courses/${trialCourseId}${chapterId === undefined ? '' : `?chapter=${chapterId}`}`)
  await page.locator('video').waitFor({ state: 'attached' })
  await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)
  return page
}

beforeAll(async () => {
  server = await startServer({ ANTI_IDLE_INTERVAL_SECONDS: '3600' }, (storage) =>
    prepareServerData(storage, { antiIdle: { minSeconds: 3600, maxSeconds: 3600 } }, async (t) => {
      t.clock.advance(-PREPARED_BEFORE_MS)
      const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json<Catalogue>()
      const trialId = catalogue.categories.find((c) => c.code === 'trial')?.projects[0]?.id
      if (trialId === undefined) throw new Error('no 体验 project in the demo catalogue')
      const [course] = await courseOutline(t.database.db, trialId)
      const last = course?.chapters.at(-1)
      if (!course || !last) throw new Error('体验 project without chapters')
      trialCourseId = course.courseId
      lastChapterId = last.id

      finished = await registerLearner(t.app, { realName: '体验结业' })
      await enrol(t.database.db, finished.userId, trialId, t.clock.now)
      await completePlan(t, finished, trialId)

      nearlyDone = await registerLearner(t.app, { realName: '体验将完' })
      await enrol(t.database.db, nearlyDone.userId, trialId, t.clock.now)
      for (const chapter of course.chapters) {
        await watchUntil(t, nearlyDone, chapter.id, chapter === last ? chapter.durationSeconds - LEFT_SECONDS : chapter.durationSeconds)
      }

      beginner = await registerLearner(t.app, { realName: '体验新人' })
      await enrol(t.database.db, beginner.userId, trialId, t.clock.now)
    }),
  )
  origin = server.baseUrl.replace('127.0.0.1', 'localhost')
  journey = await startJourney()
}, 300_000)

afterAll(async () => {
  await journey?.close()
  await server?.stop()
})

describe('the end of a chapter and of the plan', () => {
  it('offers only 「从已学进度继续」 when a chapter ends before it counts as complete', async () => {
    await signIn(beginner)
    const page = await openPlayer()
    // The first chapter opens (nothing watched yet). Its video reports an end before the server
    // credited it, as when playback ran ahead of the reports the server has acknowledged.
    await page.locator('.chapter-list').waitFor()
    await page.locator('video').evaluate((video: HTMLVideoElement) => video.dispatchEvent(new Event('ended')))
    const veil = page.locator('.course-player__veil--ended')
    await veil.getByText('本章尚未学完').waitFor()
    await veil.getByRole('button', { name: '从已学进度继续' }).waitFor()
    expect(await veil.getByRole('button', { name: '下一章' }).count()).toBe(0)
    await page.close()
  })

  it('completes the plan and offers 「查看证书」 besides 知道了', { timeout: 120_000 }, async () => {
    await signIn(nearlyDone)
    const page = await openPlayer(lastChapterId)
    await page.locator('.vjs-big-play-button').click()
    const dialog = page.getByRole('dialog', { name: '培训计划已完成' })
    await dialog.waitFor({ timeout: 60_000 })
    await dialog.getByRole('button', { name: '知道了' }).waitFor()
    await dialog.getByRole('button', { name: '查看证书' }).click()
    await page.waitForURL(/\/certificates$/)
    await page.getByRole('button', { name: '查看证书' }).first().waitFor()
    await page.close()
  })
})

describe('证书验证 of the 体验 project', () => {
  it('calls its certificate a 样例, not 「证书真实有效」', async () => {
    await signIn(finished)
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: finished.phone, password: PASSWORD }),
    })
    const { accessToken } = (await login.json()) as { accessToken: string }
    const catalogue = (await (await fetch(`${server.baseUrl}/api/catalogue`)).json()) as Catalogue
    const trialId = catalogue.categories.find((c) => c.code === 'trial')?.projects[0]?.id
    const issued = await fetch(`${server.baseUrl}/api/certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ projectId: trialId, confirmName: finished.realName, confirmIdNumber: finished.idNumber, organisation: { districtCode: '500103' } }),
    })
    expect(issued.status).toBe(201)
    const certificate = (await issued.json()) as Certificate

    const page = await journey.context.newPage()
    await page.goto(`${origin}/verify/${certificate.number}`)
    await page.getByRole('heading', { name: /样例证书/ }).waitFor()
    const text = await page.locator('body').innerText()
    expect(text).not.toContain('证书真实有效')
    expect(text).toContain(certificate.number)
    expect(journey.pageErrors).toEqual([])
    expect(journey.blockedUrls).toEqual([])
    await page.close()
  })
})
