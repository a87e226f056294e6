import type { Certificate } from '@app/shared/certificates'
import type { BrowserContext, Page } from 'playwright-core'
// The server's own test harness (see certificates.e2e.test.ts): the real app on a fresh in-memory
// database serving the built H5, with a clock the test moves to complete a plan honestly.
import {
  bearer,
  buildTestApp,
  completePlan,
  courseOutline,
  enrol,
  PASSWORD,
  registerLearner,
  seedSampleOrganisations,
  type Registered,
  type TestApp,
} from '@app/server/testing'

/**
 * Every route of the H5 with real data behind it, signed out and signed in, for the checks that
 * must hold on each screen (accessibility, layout at several sizes and text zooms).
 */

export const PUBLIC_PROJECT_TITLE = '重庆市2025年专技人员继续教育公需科目培训'

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
  origin(stop: TourStop): string
  /** Signs the stop's learner in, in a fresh browser context (no-op for signed-out stops). */
  signIn(context: BrowserContext, stop: TourStop): Promise<void>
  close(): Promise<void>
}

interface Catalogue {
  categories: Array<{ projects: Array<{ id: number; title: string }> }>
}

async function projectIds(t: TestApp): Promise<{ publicId: number; otherId: number }> {
  const catalogue = (await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json<Catalogue>()
  const projects = catalogue.categories.flatMap((c) => c.projects)
  const publicId = projects.find((p) => p.title === PUBLIC_PROJECT_TITLE)?.id
  const otherId = projects.find((p) => p.title !== PUBLIC_PROJECT_TITLE)?.id
  if (!publicId || !otherId) throw new Error('demo catalogue without the two projects')
  return { publicId, otherId }
}

/** Reports real-looking playback through the API until the server asks a 防挂机 question. */
async function leaveQuestionPending(t: TestApp, learner: Registered, chapterId: number): Promise<void> {
  const opened = await t.app.inject({ method: 'POST', url: `/api/learning/chapters/${chapterId}/sessions`, headers: bearer(learner.accessToken) })
  if (opened.statusCode !== 201) throw new Error(`open ${opened.statusCode} ${opened.body}`)
  const { sessionId } = opened.json<{ sessionId: string }>()
  for (let seq = 1; seq <= 6; seq++) {
    t.clock.advance(5_000)
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/learning/sessions/${sessionId}/reports`,
      headers: bearer(learner.accessToken),
      payload: { seq, positionSeconds: seq * 5, clientElapsedMs: seq * 5_000, playing: true },
    })
    if (res.statusCode !== 200) throw new Error(`report ${res.statusCode} ${res.body}`)
    if (res.json<{ question: unknown }>().question) return
  }
  throw new Error('no 防挂机 question fell due')
}

async function signInBrowser(context: BrowserContext, origin: string, learner: Registered): Promise<void> {
  const page = await context.newPage()
  const login = await page.request.post(`${origin}/api/auth/login`, { data: { account: learner.phone, password: PASSWORD } })
  if (login.status() !== 200) throw new Error(`login answered ${login.status()}`)
  await page.close()
}

/**
 * Two servers: one where a learner has completed the public-subjects plan and holds its certificate
 * (questions never fall due there), one with 防挂机 questions after 5 s where another learner has a
 * question waiting, so the player opens with it.
 */
export async function startTour(): Promise<Tour> {
  const t = await buildTestApp({ antiIdle: { minSeconds: 3600, maxSeconds: 3600 } })
  const quizApp = await buildTestApp({ antiIdle: { minSeconds: 5, maxSeconds: 5 } })
  await seedSampleOrganisations(t.database.db)
  const { publicId, otherId } = await projectIds(t)
  const outline = await courseOutline(t.database.db, publicId)
  const firstCourse = outline[0]
  if (!firstCourse) throw new Error('public project without courses')

  const learner = await registerLearner(t.app, { realName: '适老学员' })
  await enrol(t.database.db, learner.userId, publicId, t.clock.now)
  await completePlan(t, learner, publicId)
  // A second learner with the same plan completed and no certificate yet: 完善个人信息 stays open.
  const profileLearner = await registerLearner(t.app, { realName: '待证学员' })
  await enrol(t.database.db, profileLearner.userId, publicId, t.clock.now)
  await completePlan(t, profileLearner, publicId)
  const district = { districtCode: '500103' }
  const issued = await t.app.inject({
    method: 'POST',
    url: '/api/certificates',
    headers: bearer(learner.accessToken),
    payload: { projectId: publicId, confirmName: '适老学员', confirmIdNumber: learner.idNumber, organisation: district },
  })
  if (issued.statusCode !== 201) throw new Error(`issue ${issued.statusCode} ${issued.body}`)
  const certificate = issued.json<Certificate>()
  const orders = (await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(learner.accessToken) })).json<{
    orders: Array<{ id: number }>
  }>()
  const orderId = orders.orders[0]?.id
  if (!orderId) throw new Error('no order')

  const quizIds = await projectIds(quizApp)
  const quizLearner = await registerLearner(quizApp.app, { realName: '答题学员' })
  await enrol(quizApp.database.db, quizLearner.userId, quizIds.publicId, quizApp.clock.now)
  const quizCourse = (await courseOutline(quizApp.database.db, quizIds.publicId))[0]
  const quizChapter = quizCourse?.chapters[0]
  if (!quizCourse || !quizChapter) throw new Error('no chapter for the quiz')
  await leaveQuestionPending(quizApp, quizLearner, quizChapter.id)

  const verifyPath = new URL(certificate.verifyUrl).pathname
  const stops: TourStop[] = [
    { name: 'home', as: 'signed-out', path: '/', ready: '项目分类' },
    { name: 'project', as: 'signed-out', path: `/projects/${publicId}`, ready: '项目介绍' },
    { name: 'login', as: 'signed-out', path: '/login', ready: 'css=form' },
    { name: 'register', as: 'signed-out', path: '/register', ready: 'css=form' },
    { name: 'forgot-password', as: 'signed-out', path: '/forgot-password', ready: 'css=form' },
    { name: 'wechat-snapshot', as: 'signed-out', path: '/wechat-snapshot', ready: 'css=.van-nav-bar' },
    { name: 'help', as: 'signed-out', path: '/help', ready: '咨询方式' },
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
    { name: 'player', as: 'learner', path: `/learn/courses/${firstCourse.courseId}`, ready: 'css=.chapter-list' },
    { name: 'player-quiz', as: 'quiz-learner', path: `/learn/courses/${quizCourse.courseId}`, ready: '防挂机答题' },
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

  return {
    stops,
    origin: (stop) => (stop.as === 'quiz-learner' ? quizApp.baseUrl : t.baseUrl),
    async signIn(context, stop) {
      if (stop.as === 'learner') await signInBrowser(context, t.baseUrl, learner)
      if (stop.as === 'profile-learner') await signInBrowser(context, t.baseUrl, profileLearner)
      if (stop.as === 'quiz-learner') await signInBrowser(context, quizApp.baseUrl, quizLearner)
    },
    async close() {
      await quizApp.close()
      await t.close()
    },
  }
}

/**
 * Opens a stop in a fresh page of the context and waits until it shows its data; `beforeLoad` sets
 * the page up first (a text zoom, say).
 */
export async function openStop(context: BrowserContext, tour: Tour, stop: TourStop, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await context.newPage()
  await beforeLoad?.(page)
  await page.goto(`${tour.origin(stop)}${stop.path}`)
  const ready = stop.ready.startsWith('css=') ? page.locator(stop.ready.slice(4)).first() : page.getByText(stop.ready).first()
  await ready.waitFor({ timeout: 20_000 })
  await stop.open?.(page)
  // Fonts, images and Vant's transitions settle.
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(400)
  return page
}
