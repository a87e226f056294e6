import type { ProgressAck } from '@app/shared/learning'
import type { Order, PayOrderResult } from '@app/shared/orders'
import { setTimeout as sleep } from 'node:timers/promises'
import type { APIRequestContext, Locator, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInNewWechatLearner } from './accounts.ts'
import { startJourney, type Journey } from './browser.ts'
import { demoManifest, fetchDemoProjects, PUBLIC_PROJECT_TITLE, type ManifestCourse } from './demo-catalogue.ts'
import { startServer, type StartedServer } from './global-setup.ts'

// LRN-1 … LRN-7 in the WeChat UA against the real server: a learner who bought the public-subjects
// plan through the real order and (simulated) WeChat Pay APIs opens 「课程培训」, 「进入学习」, a course
// cover, and watches the shortest course to the end in real time, answering the 防挂机 questions the
// server asks in between. Nothing on the server side is faked: credit needs real time to pass,
// so the course is the shortest one (64 s of video).

const COURSE_CODE = 'mental-health'
const PASSWORD = 'Study2025ok'

const course = demoManifest().projects.find((p) => p.title === PUBLIC_PROJECT_TITLE)?.courses.find((c) => c.code === COURSE_CODE) as ManifestCourse

let server: StartedServer
let origin: string
let journey: Journey
/** Bodies of every /api/learning answer, to check that no answer to a question ever reached the page. */
const learningBodies: string[] = []

/** 提交订单 → 微信支付 through the real APIs; the simulator's cashier confirms and notifies the server. */
async function buyPublicPlan(request: APIRequestContext, accessToken: string): Promise<void> {
  const headers = { Authorization: `Bearer ${accessToken}` }
  const project = (await fetchDemoProjects(origin)).publicProject
  const created = await request.post(`${origin}/api/orders`, { headers, data: { projectId: project.id, invoice: { choice: 'later' } } })
  expect(created.status()).toBe(201)
  const order = (await created.json()) as Order
  const pay = await request.post(`${origin}/api/orders/${order.id}/pay`, { headers })
  expect(pay.status()).toBe(200)
  const { payParams } = (await pay.json()) as PayOrderResult
  const cashier = await request.post(`${origin}/wx-sim/dev/pay`, { data: { ...payParams, action: 'confirm' } })
  expect(cashier.ok()).toBe(true)
  // Paid once the server heard from the simulator (a signed notification), not when the cashier said so.
  const deadline = Date.now() + 20_000
  for (;;) {
    const current = (await (await request.get(`${origin}/api/orders/${order.id}`, { headers })).json()) as Order
    if (current.status === 'paid') break
    if (Date.now() > deadline) throw new Error(`order still ${current.status}`)
    await sleep(300)
  }
}

interface VideoState {
  paused: boolean
  ended: boolean
  currentTime: number
  readyState: number
}

function videoState(page: Page): Promise<VideoState> {
  return page.locator('video').evaluate((v: HTMLVideoElement) => ({
    paused: v.paused,
    ended: v.ended,
    currentTime: v.currentTime,
    readyState: v.readyState,
  }))
}

/** The chapter's credited seconds as the player shows them (「…：已学 00:10 / 00:40」). */
async function creditedOnPage(page: Page): Promise<number> {
  // The line shows watched time as it plays: the server's credit plus 「（N 秒待确认）」 not yet acknowledged.
  const text = await page.locator('.course-player__credited').innerText()
  const [, m, s] = /已学 (\d+):(\d+)/.exec(text) ?? []
  const pending = Number(/（(\d+) 秒待确认）/.exec(text)?.[1] ?? 0)
  return Number(m) * 60 + Number(s) - pending
}

/** The open 防挂机 question: answered wrongly first when asked to, then with the right option. */
async function answerQuiz(page: Page, { wrongFirst }: { wrongFirst: boolean }): Promise<void> {
  const dialog = page.getByRole('dialog', { name: '防挂机答题' })
  const answer = async (correct: boolean) => {
    const prompt = (await dialog.locator('.idle-quiz__prompt').innerText()).trim()
    const question = course.questions.find((q) => q.prompt === prompt)
    expect(question, `unknown question ${prompt}`).toBeDefined()
    const index = correct ? (question?.answerIndex ?? 0) : ((question?.answerIndex ?? 0) + 1) % (question?.options.length ?? 1)
    // The server refuses answers given less than 2 s after the question was shown.
    await page.waitForTimeout(2_300)
    await dialog.getByRole('radio', { name: question?.options[index] ?? '' }).click()
    await dialog.getByRole('button', { name: '提交' }).click()
  }
  if (wrongFirst) {
    await answer(false)
    // The wrong-answer policy, told in the learner's words (docs/learning.md).
    await dialog.getByText('回答错误，请再答一题（再答错 2 次，将扣除本章自上次答对以来的学习进度）').waitFor()
  }
  await answer(true)
  await dialog.waitFor({ state: 'hidden' })
}

/** Where the page keeps each report until the server has answered it (src/api/progress-report-backlog.ts). */
const REPORT_STORAGE_PREFIX = 'jx.learning.reports.'

/** Reports the page has sent or is about to send that the server has not answered yet. */
function unansweredReports(page: Page): Promise<number> {
  return page.evaluate((prefix) => {
    let count = 0
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i)
      if (!key?.startsWith(prefix)) continue
      const stored = JSON.parse(localStorage.getItem(key) ?? 'null') as { reports?: unknown[] } | null
      count += stored?.reports?.length ?? 0
    }
    return count
  }, REPORT_STORAGE_PREFIX)
}

/** One progress report and the server's answer, as the page exchanged them (for failure messages). */
interface ReportExchange {
  positionSeconds: number
  playing: boolean
  /** From sending the request to the end of the answer. */
  answeredInMs: number
  question: boolean
  completed: boolean
}
const reportExchanges: ReportExchange[] = []

function recordReportExchange(request: Request): void {
  if (!/^\/api\/learning\/sessions\/[^/]+\/reports$/.test(new URL(request.url()).pathname)) return
  const sent = request.postDataJSON() as { positionSeconds: number; playing: boolean }
  const record = async () => {
    const ack = (await (await request.response())?.json()) as ProgressAck | undefined
    reportExchanges.push({
      positionSeconds: sent.positionSeconds,
      playing: sent.playing,
      answeredInMs: Math.round(request.timing().responseEnd),
      question: !!ack?.question,
      completed: !!ack?.chapter.completed,
    })
  }
  // The answer's body is gone when its page was reloaded meanwhile: nothing to record then.
  record().catch(() => undefined)
}

function lastReports(): string {
  return reportExchanges
    .slice(-4)
    .map((r) => `${r.positionSeconds} s${r.playing ? '' : ' (paused)'} answered in ${r.answeredInMs} ms${r.question ? ' with a question' : ''}${r.completed ? ', complete' : ''}`)
    .join('; ')
}

/** How many times a video of the page has played to its end (counted by the page from the first call). */
function endsSoFar(page: Page): Promise<number> {
  return page.evaluate(() => {
    const counter = window as unknown as { e2eVideoEnds?: number }
    if (counter.e2eVideoEnds === undefined) {
      counter.e2eVideoEnds = 0
      // Media events do not bubble, but a capturing listener on the document sees them all.
      document.addEventListener('ended', () => (counter.e2eVideoEnds = (counter.e2eVideoEnds ?? 0) + 1), true)
    }
    return counter.e2eVideoEnds
  })
}

/**
 * Plays a chapter once, as a learner at 1× would, until the server says it is complete: presses
 * play whenever the video stands still before its end, answers every question the server asks when
 * it is shown, and returns how many there were. Never replays: once the video has reached its end
 * nothing presses play again, and the end must complete the chapter (LRN-4, docs/learning.md).
 * Nothing here times the machine: after the end the test waits for the server to have answered
 * every report the page sent, however long a busy machine takes, and only then asks for 「已完成」.
 */
async function playChapterToCompletion(page: Page, row: Locator, durationSeconds: number, wrongFirst: boolean): Promise<number> {
  const dialog = page.getByRole('dialog', { name: '防挂机答题' })
  const completed = async () => (await row.locator('.chapter-list__state').innerText()).trim() === '已完成'
  const endsBefore = await endsSoFar(page)
  const ended = async () => (await endsSoFar(page)) > endsBefore
  const lateQuestion = () =>
    new Error(`a 防挂机 question reached the page only after the video had ended: the chapter cannot complete without watching again (last reports: ${lastReports()})`)
  // Bounds for the loops, not measures of speed: a starved video may stall, a busy server answer late.
  const deadline = Date.now() + (2 * durationSeconds + 90) * 1000
  let questions = 0
  for (;;) {
    expect(Date.now(), 'chapter not played to its end in time').toBeLessThan(deadline)
    if (await dialog.isVisible()) {
      if (await ended()) throw lateQuestion()
      // The video paused itself for the question.
      expect((await videoState(page)).paused).toBe(true)
      await answerQuiz(page, { wrongFirst: wrongFirst && questions === 0 })
      questions += 1
      continue
    }
    // Credit within the last seconds of the end completes the chapter before the video gets there.
    if (await completed()) return questions
    if (await ended()) break
    const state = await videoState(page)
    if (state.paused && !state.ended && state.readyState >= 1) {
      // A question may be opening at this very moment (it paused the video): its overlay then takes
      // the tap, and the next round answers it.
      const bigPlay = page.locator('.vjs-big-play-button')
      const control = (await bigPlay.isVisible()) ? bigPlay : page.locator('.vjs-play-control')
      await control.click({ timeout: 2_000 }).catch(() => undefined)
    }
    await page.waitForTimeout(500)
  }

  // The end: the page has queued its report of it, the server's last word on the chapter. A busy
  // machine may answer that report (and the ones before it) late, so wait until the page holds no
  // unanswered report. Meanwhile nothing may ask to watch again: no question (it would come too
  // late to be answered while watching), and the video stays still (no replay).
  const answeredBy = Date.now() + 120_000
  for (;;) {
    expect(Date.now(), `reports still unanswered 120 s after the end (last reports: ${lastReports()})`).toBeLessThan(answeredBy)
    if (await dialog.isVisible()) throw lateQuestion()
    expect((await videoState(page)).paused, 'the video played again after its end').toBe(true)
    if ((await unansweredReports(page)) === 0) break
    await page.waitForTimeout(250)
  }
  // Answered: the row shows the server's word as soon as the page has rendered it.
  await row
    .locator('.chapter-list__state', { hasText: '已完成' })
    .waitFor({ timeout: 10_000 })
    .catch(() => {
      throw new Error(`the video's end did not complete the chapter (last reports: ${lastReports()})`)
    })
  return questions
}

beforeAll(async () => {
  // Its own server: questions due after 8–12 s of credited time, so every chapter has some.
  server = await startServer({ ANTI_IDLE_INTERVAL_SECONDS: '8-12' })
  // PUBLIC_BASE_URL is http://localhost:<port>: OAuth's state cookie comes back to that origin only.
  origin = server.baseUrl.replace('127.0.0.1', 'localhost')
  journey = await startJourney()
  journey.context.on('response', (response) => {
    if (!new URL(response.url()).pathname.startsWith('/api/learning/')) return
    response.text().then(
      (body) => learningBodies.push(body),
      () => undefined,
    )
  })
  journey.context.on('requestfinished', recordReportExchange)
  const { accessToken } = await signInNewWechatLearner(journey.context, origin, '学习学员', PASSWORD)
  await buyPublicPlan(journey.context.request, accessToken)
})

afterAll(async () => {
  await journey?.close()
  await server?.stop()
})

describe('课程培训 → 进入学习 → 课程封面 → 播放 → 防挂机 → 已完成', () => {
  it('can play the H.264 demo videos in this Chromium', async () => {
    // On a blank page: opening an app page here would start a silent session refresh, and closing
    // the page mid-refresh would lose the rotated refresh cookie for the journey below.
    const page = await journey.context.newPage()
    const support = await page.evaluate(() => document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E, mp4a.40.2"'))
    expect(support).not.toBe('')
    await page.close()
  })

  it('studies the shortest course to the end and sees its 学时 counted', { timeout: 360_000 }, async () => {
    const page = await journey.context.newPage()

    // 课程培训: 学分要求 and 计划完成度 at 0 %.
    await page.goto(`${origin}/training`)
    const card = page.getByRole('article', { name: PUBLIC_PROJECT_TITLE })
    await card.waitFor()
    const cardText = await card.innerText()
    expect(cardText).toContain('学分要求')
    expect(cardText).toContain('30 学时')
    expect(cardText).toContain('计划完成度')
    expect(cardText).toContain('0 / 30 学时')
    expect(cardText).toContain('还差 30 学时')
    await expect(card.getByRole('progressbar', { name: '计划完成度' }).getAttribute('aria-valuenow')).resolves.toBe('0')
    expect(await card.locator('.van-progress__pivot').innerText()).toBe('0%')

    // 进入学习: the course list, a page at a time (切换页码), the page kept in the query string.
    await card.getByRole('button', { name: '进入学习' }).click()
    await page.waitForURL(/\/training\/\d+$/)
    await page.getByText('共 14 门课程').waitFor()
    await page.locator('.van-pagination').getByText('2', { exact: true }).click()
    await page.waitForURL(/\/training\/\d+\?page=2$/)
    await page.getByText('第 2/2 页').waitFor()
    await page.locator('.van-pagination').getByText('上一页').click()
    await page.getByText('第 1/2 页').waitFor()
    const item = page.locator('.course-item', { hasText: course.title })
    await item.waitFor()
    expect(await item.innerText()).toContain(`${course.hours} 学时`)
    expect(await item.innerText()).toContain(`已学 0/${course.chapters.length} 章`)

    // A course cover opens the player, on the first chapter.
    await item.getByRole('link', { name: `观看《${course.title}》` }).click()
    await page.waitForURL(/\/learn\/courses\/\d+/)
    const video = page.locator('video')
    await video.waitFor({ state: 'attached' })
    // Inline playback in WeChat, no autoplay, no native controls, no speed menu.
    const attributes = await video.evaluate((v: HTMLVideoElement) => ({
      playsinline: v.hasAttribute('playsinline'),
      webkit: v.getAttribute('webkit-playsinline'),
      x5: v.getAttribute('x5-playsinline'),
      x5Type: v.getAttribute('x5-video-player-type'),
      autoplay: v.autoplay,
      controls: v.controls,
    }))
    expect(attributes).toEqual({ playsinline: true, webkit: 'true', x5: 'true', x5Type: 'h5', autoplay: false, controls: false })
    expect(await page.locator('.vjs-playback-rate').count()).toBe(0)
    const chapterList = page.locator('.chapter-list')
    const first = chapterList.locator('li').nth(0)
    const second = chapterList.locator('li').nth(1)
    await first.getByText('未开始').waitFor()
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)

    // Start playing, then try to jump ahead: the player goes back and says why.
    await page.locator('.vjs-big-play-button').click()
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1)
    await video.evaluate((v: HTMLVideoElement) => {
      v.currentTime = 30
    })
    await page.getByText('请按顺序观看，不能跳过未学内容').waitFor()
    await expect.poll(async () => (await videoState(page)).currentTime).toBeLessThan(10)

    // The first report's answer brings credit; a reload resumes exactly there, not at 0.
    await expect.poll(() => creditedOnPage(page), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.reload()
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)
    const resumeAt = await creditedOnPage(page)
    expect(resumeAt).toBeGreaterThan(0)
    await expect.poll(async () => (await videoState(page)).currentTime).toBeGreaterThanOrEqual(resumeAt)
    expect((await videoState(page)).currentTime).toBeLessThan(resumeAt + 2)

    // Chapter 1 to the end in real time, with at least one 防挂机 question (the first answered wrongly).
    const chapter1 = course.chapters[0]?.durationSeconds ?? 0
    // Completion is the server's word: it arrives with the acknowledgement of the last report.
    const asked = await playChapterToCompletion(page, first, chapter1, true)
    expect(asked).toBeGreaterThanOrEqual(1)
    await page.getByText('已学 1/2 章').waitFor()
    await page.getByText('本章已完成').waitFor()

    // 「下一章」, played to the end as well: the course is complete and its 学时 counted.
    await page.getByRole('button', { name: '下一章' }).click()
    await second.getByText('正在播放').waitFor()
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)
    const toast = page.getByText(`本课程已完成，获得 ${course.hours} 学时`).waitFor({ timeout: 120_000 })
    // The 24 s chapter, questions every 8–12 s, at 1×: complete in one play-through.
    expect(course.chapters[1]?.durationSeconds).toBe(24)
    const askedInSecond = await playChapterToCompletion(page, second, course.chapters[1]?.durationSeconds ?? 0, false)
    expect(askedInSecond).toBeGreaterThanOrEqual(1)
    await toast
    await page.getByText('已完成', { exact: true }).first().waitFor()

    // Back on 课程培训: the course's 学时 count towards the plan.
    await page.goto(`${origin}/training`)
    await card.waitFor()
    const after = await card.innerText()
    expect(after).toContain(`${course.hours} / 30 学时`)
    expect(after).toContain(`还差 ${30 - course.hours} 学时`)
    const percent = Number(await card.getByRole('progressbar', { name: '计划完成度' }).getAttribute('aria-valuenow'))
    expect(percent).toBe(Math.floor((course.hours / 30) * 100))
    expect(percent).toBeGreaterThan(0)
    await page.close()
  })

  it('plays on with a fresh link when the video link has expired (403 from the media)', { timeout: 120_000 }, async () => {
    const page = await journey.context.newPage()
    // The first request for the chapter's video meets an expired link, as after hours on the page.
    let refused = 0
    await page.route('**/media/videos/**', async (route) => {
      if (refused > 0) return route.continue()
      refused += 1
      return route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ statusCode: 403, code: 'MEDIA_LINK_EXPIRED', error: 'Forbidden', message: '视频链接已过期' }) })
    })
    const freshLink = page.waitForResponse((r) => /\/api\/learning\/chapters\/\d+\/video-link$/.test(new URL(r.url()).pathname))
    await page.goto(`${origin}/training`)
    await page.getByRole('article', { name: PUBLIC_PROJECT_TITLE }).getByRole('button', { name: '进入学习' }).click()
    await page.locator('.course-item', { hasText: course.title }).getByRole('link', { name: `观看《${course.title}》` }).click()
    const fresh = await freshLink
    expect(fresh.status()).toBe(200)
    expect(refused).toBe(1)
    // The fresh link loads and plays; no error is left on the page.
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)
    await page.locator('.vjs-big-play-button').click()
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1)
    expect(await page.getByText('视频加载失败').count()).toBe(0)
    await page.close()
  })

  it('never showed the page an answer, kept every request on our own host and raised no script errors', () => {
    expect(learningBodies.length).toBeGreaterThan(0)
    for (const body of learningBodies) expect(body).not.toContain('answerIndex')
    expect(journey.blockedUrls).toEqual([])
    expect(journey.pageErrors).toEqual([])
  })
})
