import type { Certificate, CertificateVerification } from '@app/shared/certificates'
import { maskIdNumber } from '@app/shared/id-number'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authorizeAsNewWechatUser, newIdentity, readSmsCode } from '../../../h5/e2e/accounts.ts'
import { launchBrowser, newWechatContext } from '../../../h5/e2e/browser.ts'
import { demoManifest } from '../../../h5/e2e/demo-catalogue.ts'
import { startCluster, type Cluster } from './cluster.ts'

// The learner's journey through the cluster, in headless Chromium with the WeChat UA, from the
// Official Account's menu link to a verified certificate: sign in with WeChat (the simulator's
// OAuth page) and 注册, buy the 体验（演示） project and pay at the (simulated) cashier, study its
// course — three clips, 106 s of video, in real time at 1× — answering every 防挂机 question, then
// 我的证书 → 完善个人信息 → 生成证书 → the certificate → 验证证书, and the public verification API.
// Nothing is shortened: the server credits only the wall-clock time it sees pass, so the study part
// takes as long as the video. nginx sends each request to the next instance in turn, so every step's
// state (OAuth state and code, SMS code, session, order, payment notification, playback, questions,
// certificate) crosses instances.

const TRIAL_CATEGORY = '体验（演示）'
const TRIAL_PROJECT_CODE = 'trial-2min'
const PASSWORD = 'Study2025ok'
const manifest = demoManifest()
const plan = manifest.projects.find((p) => p.code === TRIAL_PROJECT_CODE)!
const course = plan.courses[0]!

let cluster: Cluster
let browser: Browser
let context: BrowserContext
let blockedUrls: string[]
const pageErrors: string[] = []

beforeAll(async () => {
  // A 防挂机 question falls due after 15–25 s of credited time: the 106 s course asks four or five
  // (the development default of 30–90 s could ask only one).
  cluster = await startCluster({ instances: 3, logLevel: 'warn', env: { ANTI_IDLE_INTERVAL_SECONDS: '15-25' } })
  browser = await launchBrowser()
  ;({ context, blockedUrls } = await newWechatContext(browser))
})
afterAll(async () => {
  // Closing the context throws on a CSP violation (h5/e2e/browser.ts): the cluster stops all the same.
  try {
    await context?.close()
  } finally {
    await browser?.close()
    await cluster?.stop()
  }
})

function watch(page: Page): Page {
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return page
}

async function answerQuestion(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: '防挂机答题' })
  const prompt = (await dialog.locator('.idle-quiz__prompt').innerText()).trim()
  const question = course.questions.find((q) => q.prompt === prompt)
  expect(question, `unknown question ${prompt}`).toBeDefined()
  // A question shown for less than 2 s is refused as not read.
  await page.waitForTimeout(2_300)
  await dialog.getByRole('radio', { name: question!.options[question!.answerIndex] ?? '' }).click()
  await dialog.getByRole('button', { name: '提交' }).click()
  await dialog.waitFor({ state: 'hidden' })
}

/**
 * Plays the current chapter as a learner at 1× would, until the server says it is complete: presses
 * play whenever the video stands still before its end, answers every question when it shows, and
 * returns how many there were. A stall fails it: the deadline is the chapter's length plus 90 s.
 */
async function playChapterToCompletion(page: Page, row: Locator, durationSeconds: number): Promise<number> {
  const dialog = page.getByRole('dialog', { name: '防挂机答题' })
  const interrupted = page.getByRole('dialog', { name: '提示' })
  const deadline = Date.now() + (durationSeconds + 90) * 1000
  let questions = 0
  for (;;) {
    expect(Date.now(), `chapter 「${await row.locator('.chapter-list__title').innerText()}」 not completed in time`).toBeLessThan(deadline)
    if (await dialog.isVisible()) {
      await answerQuestion(page)
      questions += 1
      continue
    }
    if ((await row.locator('.chapter-list__state').innerText()).trim() === '已完成') return questions
    // The player's 「提示」 (playback interrupted) must never appear on the way.
    if (await interrupted.isVisible()) throw new Error(`playback interrupted: ${await interrupted.innerText()}`)
    const video = await page.locator('video').evaluate((v: HTMLVideoElement) => ({ paused: v.paused, ended: v.ended, readyState: v.readyState }))
    // At the end the last report's answer completes the chapter (a question that fell due in the
    // last seconds comes first, and the next round answers it).
    if (video.paused && !video.ended && video.readyState >= 1) {
      const bigPlay = page.locator('.vjs-big-play-button')
      // A question may open at any moment: a click it covers is simply tried again next round.
      await (await bigPlay.isVisible() ? bigPlay : page.locator('.vjs-play-control')).click({ timeout: 2_000 }).catch(() => undefined)
    }
    await page.waitForTimeout(500)
  }
}

describe('the learner’s journey through 3 instances behind nginx', () => {
  it('signs in with WeChat, registers, buys, pays, studies the 体验 course with its questions and gets a verified certificate', { timeout: 480_000 }, async () => {
    const origin = cluster.url
    const started = Date.now()
    const page = watch(await context.newPage())

    // The menu link → 微信授权 on the simulator's page (a new WeChat user) → unbound → 注册, which binds it.
    await authorizeAsNewWechatUser(page, origin)
    await page.getByRole('link', { name: '注册', exact: true }).click()
    await page.waitForURL(/\/register/)
    const learner = newIdentity('集群学员')
    await page.locator('input[name="realName"]').fill(learner.realName)
    await page.locator('input[name="idNumber"]').fill(learner.idNumber)
    await page.locator('input[name="phone"]').fill(learner.phone)
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/auth/sms-codes'))
    await page.getByRole('button', { name: '获取验证码' }).click()
    expect((await sent).status()).toBe(200)
    await page.locator('input[name="smsCode"]').fill(await readSmsCode(page.request, origin, learner.phone, 'register'))
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.locator('input[name="confirm"]').fill(PASSWORD)
    // 注册's two boxes: the 隐私政策, and the separate consent for the ID number.
    await page.getByRole('checkbox', { name: /隐私政策/ }).locator('.van-checkbox__icon').click()
    await page.getByRole('checkbox', { name: /身份证号/ }).locator('.van-checkbox__icon').click()
    await page.getByRole('button', { name: '注册', exact: true }).click()
    await page.getByText('已绑定微信').first().waitFor()
    await page.waitForURL(`${origin}/`)

    // 首页 → tab 「体验（演示）」 → the project → 「立即购买」 → 「个人购买」 → 「提交订单」 → the simulated cashier.
    await page.getByRole('tab', { name: TRIAL_CATEGORY }).click()
    await page.locator('.project-card', { hasText: plan.title }).first().click()
    await page.waitForURL(/\/projects\/\d+$/)
    await page.getByRole('button', { name: '立即购买' }).click()
    await page.getByText('个人购买', { exact: true }).click()
    await page.waitForURL(/\/projects\/\d+\/order$/)
    await page.getByText('以后申请', { exact: true }).click()
    await page.getByRole('button', { name: '提交订单' }).click()
    const cashier = page.getByRole('dialog', { name: '模拟支付（开发环境）' })
    await cashier.waitFor()
    await cashier.getByRole('button', { name: '确认支付' }).click()
    // Paid when the server heard WeChat's notification (through nginx, to whichever instance).
    await page.getByText('支付成功', { exact: true }).waitFor({ timeout: 60_000 })
    await page.getByRole('button', { name: '进入学习' }).click()
    await page.waitForURL(/\/training$/)
    const bought = Date.now()

    // 课程培训 → 「进入学习」 → the course cover → every chapter to the end, answering every question.
    const card = page.getByRole('article', { name: plan.title })
    await card.getByRole('button', { name: '进入学习' }).click()
    await page.waitForURL(/\/training\/\d+/)
    await page.locator('.course-item', { hasText: course.title }).getByRole('link', { name: `观看《${course.title}》` }).click()
    await page.waitForURL(/\/learn\/courses\/\d+/)
    const rows = page.locator('.chapter-list li')
    await rows.nth(course.chapters.length - 1).waitFor()
    expect(await rows.count()).toBe(course.chapters.length)
    const perChapter: number[] = []
    for (const [index, chapter] of course.chapters.entries()) {
      const row = rows.nth(index)
      await row.getByText('正在播放').waitFor()
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)
      const last = index === course.chapters.length - 1
      // The last chapter completes the course and with it the plan (its 1 学时 is all it requires).
      const courseDone = last ? page.getByText(`本课程已完成，获得 ${course.hours} 学时`).waitFor({ timeout: (chapter.durationSeconds + 120) * 1000 }) : undefined
      perChapter.push(await playChapterToCompletion(page, row, chapter.durationSeconds))
      if (!last) {
        // 「下一章」 shows once the clip has played to its end.
        await page.getByRole('button', { name: '下一章' }).click({ timeout: 30_000 })
      } else {
        await courseDone
        const planDone = page.locator('.van-dialog', { hasText: '培训计划已完成' })
        await planDone.getByText('恭喜！已完成培训计划，可在“我的证书”中查看').waitFor()
        await planDone.getByRole('button', { name: '知道了' }).click()
      }
    }
    const studied = Date.now()
    const questions = perChapter.reduce((a, b) => a + b, 0)
    // 15–25 s intervals over 106 s of credit: at least four fall due, one of them possibly after
    // the plan is complete (not asked then).
    expect(questions).toBeGreaterThanOrEqual(3)
    await page.getByRole('button', { name: '返回课程培训' }).click({ timeout: 30_000 })
    await page.waitForURL(/\/training$/)
    await card.getByText(`${plan.requiredHours} / ${plan.requiredHours} 学时`).waitFor()

    // 课程培训's navigation → 「我的证书」 → 「查看证书」 → 完善个人信息 → 「生成证书」.
    await page.getByRole('navigation', { name: '课程培训导航' }).getByRole('link', { name: '我的证书' }).click()
    await page.waitForURL(/\/certificates$/)
    await page.locator('.plan-card', { hasText: plan.title }).getByRole('button', { name: '查看证书' }).click()
    await page.waitForURL(/\/certificates\/projects\/\d+\/profile$/)
    await page.getByText('证书生成后不能修改').waitFor()
    await page.locator('input[name="confirmIdNumber"]').fill(learner.idNumber)
    await page.getByText('找不到单位？选择档案所在区县').click()
    const picker = page.getByRole('dialog', { name: '选择档案所在区县' })
    await picker.getByRole('radio', { name: '渝中区' }).click()
    await picker.getByRole('button', { name: '确认' }).click()
    expect(await page.locator('.org-picker__selected-name').innerText()).toBe('重庆市渝中区')
    await page.getByRole('button', { name: '生成证书' }).click()
    const confirm = page.locator('.van-dialog', { hasText: '确认证书信息' })
    await confirm.waitFor()
    expect(await confirm.innerText()).toContain(learner.idNumber)
    const issued = page.waitForResponse((r) => r.url().endsWith('/api/certificates') && r.request().method() === 'POST')
    await confirm.getByRole('button', { name: '确认生成' }).click()
    const response = await issued
    expect(response.status()).toBe(201)
    const certificate = (await response.json()) as Certificate
    expect(certificate.number).toMatch(/^CQ\d{4}[0-9A-Z]{13}$/)

    // The certificate page: the image (not blank) and its data, the number first.
    await page.waitForURL(new RegExp(`/certificates/${certificate.id}$`))
    const img = page.locator('img.certificate__image')
    await expect.poll(() => img.evaluate((node) => (node as HTMLImageElement).complete && (node as HTMLImageElement).naturalWidth > 0), { timeout: 60_000 }).toBe(true)
    const size = await img.evaluate((node) => ({ width: (node as HTMLImageElement).naturalWidth, height: (node as HTMLImageElement).naturalHeight }))
    expect(size.width / size.height).toBeCloseTo(297 / 210, 2)
    const data = await page.locator('.certificate__data').innerText()
    for (const value of [certificate.number, learner.realName, learner.idNumber, plan.title, '重庆市渝中区']) expect(data).toContain(value)

    // 「验证证书」 → the public page for this number, and the public API behind it (signed out).
    await page.getByRole('button', { name: '验证证书' }).click()
    await page.waitForURL(new RegExp(`/verify/${certificate.number}$`))
    // The 体验 project is demo content: its certificate verifies as a 样例, never as 「证书真实有效」.
    await page.getByText('样例证书').first().waitFor()
    const shown = await page.locator('body').innerText()
    expect(shown).toContain(certificate.number)
    expect(shown).not.toContain(learner.idNumber)
    expect(certificate.verifyUrl).toBe(`${origin}/verify/${certificate.number}`)
    const verified = await fetch(`${origin}/api/verify/${certificate.number}`)
    expect(verified.status).toBe(200)
    const verification = (await verified.json()) as CertificateVerification
    expect(verification).toMatchObject({ genuine: false, signatureValid: true, sample: true, certificate: { number: certificate.number, realName: learner.realName, projectTitle: plan.title } })
    expect(verification.certificate.idNumberMasked).toBe(maskIdNumber(learner.idNumber))
    await page.close()

    // What the QR code encodes, opened by someone else in WeChat, signed out: the sample verdict, ID number masked.
    const stranger = await newWechatContext(browser)
    const scanned = watch(await stranger.context.newPage())
    await scanned.goto(certificate.verifyUrl)
    await scanned.getByText('样例证书').first().waitFor()
    const publicText = await scanned.locator('body').innerText()
    expect(publicText).toContain(maskIdNumber(learner.idNumber))
    expect(publicText).not.toContain(learner.idNumber)
    expect(stranger.blockedUrls).toEqual([])
    await stranger.context.close()

    // Round robin, no stickiness: the instances took turns, so they served the same number of
    // requests (±1) and no two requests in a row went to the same instance unless others overlapped.
    const ports = new Set(cluster.instances.map((i) => `127.0.0.1:${i.port}`))
    const served = cluster.accessLog().filter((l) => ports.has(l.upstream))
    const counts = cluster.instances.map((i) => served.filter((l) => l.upstream === `127.0.0.1:${i.port}`).length)
    const seconds = (ms: number) => `${Math.round(ms / 1000)} s`
    console.log(
      `[journey] ${served.length} requests through nginx, per instance ${counts.join(' / ')}; ` +
        `${questions} 防挂机 question(s) answered (${perChapter.join(' + ')} by chapter); certificate ${certificate.number}; ` +
        `signed in and paid in ${seconds(bought - started)}, studied ${seconds(studied - bought)}, certificate ${seconds(Date.now() - studied)}`,
    )
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    expect(Math.min(...counts)).toBeGreaterThan(10)
    expect(blockedUrls).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
