import type { Catalogue } from '@app/shared/catalogue'
import type { Certificate } from '@app/shared/certificates'
import type { BrowserContext, Page } from 'playwright-core'
// The server's test harness prepares the tour's data on the database the spawned server then
// serves (see certificates.e2e.test.ts): a plan is completed and a 防挂机 question left waiting by
// reporting through the learning API while the harness's clock moves, as the server's own tests do.
import { bearer, completePlan, courseOutline, enrol, PASSWORD, prepareServerData, registerLearner, type Registered, type TestApp } from '@app/server/testing'
import { demoProjects } from './demo-catalogue.ts'
import { startServerOnSharedData } from './global-setup.ts'

/**
 * Every route of the H5 with real data behind it, signed out and signed in, for the checks that
 * must hold on each screen (accessibility, layout at several sizes and text zooms), served by a
 * spawned server like every other journey's.
 */

/** One screen of the tour: where it is, who looks at it, and what must be open before the check. */
export interface TourStop {
  /** Stable name, used in messages and screenshot file names. */
  name: string
  /** Which browser session opens it. */
  as: 'signed-out' | 'learner' | 'profile-learner' | 'quiz-learner'
  path: string
  /** What shows once the page has its data (a text, or a CSS selector prefixed with `css=`). */
  ready: string
  /** Something to open on top of the page (a dialog) before the checks. */
  open?: (page: Page) => Promise<void>
}

export interface Tour {
  stops: TourStop[]
  /** Where the tour's server listens. */
  origin: string
  /** Signs the stop's learner in, in a fresh browser context (no-op for signed-out stops). */
  signIn(context: BrowserContext, stop: TourStop): Promise<void>
  close(): Promise<void>
}

/**
 * The harness's clock starts this long before the real one: the spawned server runs on the real
 * clock, and data made while the harness's clock ran ahead of it would lie in the server's future
 * (the hundreds of reports and dozens of playback opens of a completed plan among them, which the
 * server's limit of 12 opens a minute would count against the tour's visits to the player).
 */
const PREPARED_BEFORE_MS = 2 * 60 * 60_000

interface PreparedLearners {
  publicId: number
  otherId: number
  firstCourseId: number
  learner: Registered
  profileLearner: Registered
}

interface PreparedQuiz {
  quizLearner: Registered
  quizCourseId: number
}

async function projectIds(t: TestApp): Promise<{ publicId: number; otherId: number }> {
  const { publicProject, professionalProject } = demoProjects((await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json<Catalogue>())
  return { publicId: publicProject.id, otherId: professionalProject.id }
}

/** Two learners who bought and completed the public-subjects plan by watching it. */
async function completedLearners(t: TestApp): Promise<PreparedLearners> {
  t.clock.advance(-PREPARED_BEFORE_MS)
  const { publicId, otherId } = await projectIds(t)
  const firstCourseId = (await courseOutline(t.database.db, publicId))[0]?.courseId
  if (!firstCourseId) throw new Error('public project without courses')
  const learner = await registerLearner(t.app, { realName: '适老学员' })
  await enrol(t.database.db, learner.userId, publicId, t.clock.now)
  await completePlan(t, learner, publicId)
  // A second learner with the same plan completed and no certificate: 完善个人信息 stays open.
  const profileLearner = await registerLearner(t.app, { realName: '待证学员' })
  await enrol(t.database.db, profileLearner.userId, publicId, t.clock.now)
  await completePlan(t, profileLearner, publicId)
  return { publicId, otherId, firstCourseId, learner, profileLearner }
}

/** A learner of the plan who played the first chapter until the server asked a 防挂机 question. */
async function learnerWithQuestionWaiting(t: TestApp): Promise<PreparedQuiz> {
  t.clock.advance(-PREPARED_BEFORE_MS)
  const { publicId } = await projectIds(t)
  const quizLearner = await registerLearner(t.app, { realName: '答题学员' })
  await enrol(t.database.db, quizLearner.userId, publicId, t.clock.now)
  const quizCourse = (await courseOutline(t.database.db, publicId))[0]
  const quizChapter = quizCourse?.chapters[0]
  if (!quizCourse || !quizChapter) throw new Error('no chapter for the quiz')
  const opened = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${quizChapter.id}/sessions`, headers: bearer(quizLearner.accessToken) })
  if (opened.statusCode !== 201) throw new Error(`open ${opened.statusCode} ${opened.body}`)
  const { sessionId } = opened.json<{ sessionId: string }>()
  // Real-looking playback until the question falls due; it waits on the learner's record, so the
  // player asks it again when the tour opens it.
  for (let seq = 1; seq <= 6; seq++) {
    t.clock.advance(5_000)
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/learning/sessions/${sessionId}/reports`,
      headers: bearer(quizLearner.accessToken),
      payload: { seq, positionSeconds: seq * 5, clientElapsedMs: seq * 5_000, playing: true },
    })
    if (res.statusCode !== 200) throw new Error(`report ${res.statusCode} ${res.body}`)
    if (res.json<{ question: unknown }>().question) return { quizLearner, quizCourseId: quizCourse.courseId }
  }
  throw new Error('no 防挂机 question fell due')
}

/** The learner's API, signed in on the spawned server. */
async function signedInApi(origin: string, learner: Registered) {
  const login = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: learner.phone, password: PASSWORD }),
  })
  if (login.status !== 200) throw new Error(`login answered ${login.status}`)
  const { accessToken } = (await login.json()) as { accessToken: string }
  return async <T>(path: string, init: { method?: string; body?: unknown; status?: number } = {}): Promise<T> => {
    const response = await fetch(`${origin}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${accessToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    if (response.status !== (init.status ?? 200)) throw new Error(`${path} answered ${response.status} ${await response.text()}`)
    return (await response.json()) as T
  }
}

async function signInBrowser(context: BrowserContext, origin: string, learner: Registered): Promise<void> {
  const page = await context.newPage()
  const login = await page.request.post(`${origin}/api/auth/login`, { data: { account: learner.phone, password: PASSWORD } })
  if (login.status() !== 200) throw new Error(`login answered ${login.status()}`)
  await page.close()
}

/**
 * One spawned server on data prepared beforehand: a learner who completed the public-subjects plan
 * and (once the server runs) holds its certificate; a second one who completed it too and has not
 * asked for the certificate yet; and a third who has a 防挂机 question waiting, so the player opens
 * with it. The server asks questions once an hour of viewing, so no other one falls due on the tour.
 */
export async function startTour(): Promise<Tour> {
  // Prepared once per run for every file that tours (the completed plans take a while); each file
  // gets its own server on its own copy, so the tours never meet in one learner's sessions.
  const { server, prepared } = await startServerOnSharedData('tour', { ANTI_IDLE_INTERVAL_SECONDS: '3600' }, async (storage) => {
    const learners = await prepareServerData(storage, { antiIdle: { minSeconds: 3600, maxSeconds: 3600 } }, completedLearners)
    // Questions after 5 s of viewing for this learner only: the interval is drawn when a learner first plays.
    const quiz = await prepareServerData(storage, { antiIdle: { minSeconds: 5, maxSeconds: 5 } }, learnerWithQuestionWaiting)
    return { learners, quiz }
  })
  try {
    const { learners, quiz } = prepared
    const { publicId, otherId, firstCourseId, learner, profileLearner } = learners
    const { quizLearner, quizCourseId } = quiz
    const origin = server.baseUrl

    // The certificate is issued by the server the tour visits, so it names that server.
    const api = await signedInApi(origin, learner)
    const certificate = await api<Certificate>('/api/certificates', {
      method: 'POST',
      body: { projectId: publicId, confirmName: learner.realName, confirmIdNumber: learner.idNumber, organisation: { districtCode: '500103' } },
      status: 201,
    })
    const orderId = (await api<{ orders: Array<{ id: number }> }>('/api/orders')).orders[0]?.id
    if (!orderId) throw new Error('no order')

    const verifyPath = new URL(certificate.verifyUrl).pathname
    const stops: TourStop[] = [
      { name: 'home', as: 'signed-out', path: '/', ready: '项目分类' },
      { name: 'project', as: 'signed-out', path: `/projects/${publicId}`, ready: '项目介绍' },
      { name: 'login', as: 'signed-out', path: '/login', ready: 'css=form' },
      { name: 'register', as: 'signed-out', path: '/register', ready: 'css=form' },
      { name: 'forgot-password', as: 'signed-out', path: '/forgot-password', ready: 'css=form' },
      { name: 'wechat-snapshot', as: 'signed-out', path: '/wechat-snapshot', ready: 'css=.van-nav-bar' },
      { name: 'help', as: 'signed-out', path: '/help', ready: '咨询方式' },
      { name: 'privacy', as: 'signed-out', path: '/privacy', ready: '三、我们向谁提供您的信息' },
      { name: 'verify', as: 'signed-out', path: verifyPath, ready: certificate.number },
      { name: 'verify-unknown', as: 'signed-out', path: '/verify/CQ2025AAAAAAAAAAAAA', ready: 'css=.verify__title' },
      { name: 'not-found', as: 'signed-out', path: '/no-such-page', ready: '页面不存在' },
      { name: 'home-signed-in', as: 'learner', path: '/', ready: '项目分类' },
      { name: 'project-bought', as: 'learner', path: `/projects/${publicId}`, ready: '项目介绍' },
      { name: 'purchase', as: 'learner', path: `/projects/${otherId}/purchase`, ready: '个人购买' },
      { name: 'order-submit', as: 'learner', path: `/projects/${otherId}/order`, ready: '提交订单' },
      { name: 'pay-order', as: 'learner', path: `/pay/orders/${orderId}`, ready: '支付成功' },
      { name: 'training', as: 'learner', path: '/training', ready: '计划完成度' },
      { name: 'training-courses', as: 'learner', path: `/training/${publicId}`, ready: 'css=.course-item' },
      { name: 'player', as: 'learner', path: `/learn/courses/${firstCourseId}`, ready: 'css=.chapter-list' },
      { name: 'player-quiz', as: 'quiz-learner', path: `/learn/courses/${quizCourseId}`, ready: '防挂机答题' },
      { name: 'me', as: 'learner', path: '/me', ready: '账号信息' },
      { name: 'orders', as: 'learner', path: '/orders', ready: 'css=.order-card' },
      { name: 'certificates', as: 'learner', path: '/certificates', ready: '查看证书' },
      { name: 'certificate-profile', as: 'profile-learner', path: `/certificates/projects/${publicId}/profile`, ready: '确认身份证号' },
      {
        name: 'certificate-confirm',
        as: 'profile-learner',
        path: `/certificates/projects/${publicId}/profile`,
        ready: '确认身份证号',
        open: async (page) => {
          await page.getByLabel('确认身份证号').fill(profileLearner.idNumber)
          await page.getByRole('button', { name: '找不到单位？选择档案所在区县' }).click()
          const districts = page.getByRole('dialog', { name: '选择档案所在区县' })
          await districts.getByRole('radio', { name: '渝中区' }).click()
          await districts.getByRole('button', { name: '确认' }).click()
          await page.getByRole('button', { name: '生成证书' }).click()
          await page.getByRole('dialog', { name: '确认证书信息' }).waitFor()
        },
      },
      { name: 'certificate', as: 'learner', path: `/certificates/${certificate.id}`, ready: 'css=img.certificate__image' },
      { name: 'invoices', as: 'learner', path: '/invoices', ready: 'css=.van-nav-bar' },
      { name: 'group-orders', as: 'learner', path: '/group-orders', ready: 'css=.van-nav-bar' },
    ]

    const learnerOf: Record<Exclude<TourStop['as'], 'signed-out'>, Registered> = {
      learner,
      'profile-learner': profileLearner,
      'quiz-learner': quizLearner,
    }
    return {
      stops,
      origin,
      async signIn(context, stop) {
        if (stop.as !== 'signed-out') await signInBrowser(context, origin, learnerOf[stop.as])
      },
      close: server.stop,
    }
  } catch (error) {
    await server.stop()
    throw error
  }
}

/**
 * Opens a stop in a fresh page of the context and waits until it shows its data; `beforeLoad` sets
 * the page up first (a text zoom, say).
 */
export async function openStop(context: BrowserContext, tour: Tour, stop: TourStop, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await context.newPage()
  await beforeLoad?.(page)
  await page.goto(`${tour.origin}${stop.path}`)
  const ready = stop.ready.startsWith('css=') ? page.locator(stop.ready.slice(4)).first() : page.getByText(stop.ready).first()
  await ready.waitFor({ timeout: 20_000 })
  await stop.open?.(page)
  // Fonts, images and Vant's transitions settle.
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(400)
  return page
}
