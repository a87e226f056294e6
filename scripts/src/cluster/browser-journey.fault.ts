import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerWechatBoundLearner } from '../../../h5/e2e/accounts.ts'
import { launchBrowser, newWechatContext } from '../../../h5/e2e/browser.ts'
import { REPO_ROOT } from '../bench/processes.ts'
import { startCluster, type Cluster } from './cluster.ts'

// The learner's journey through the cluster, in headless Chromium with the WeChat UA: sign in with
// WeChat (the simulator's OAuth page) and register, buy the public-subjects plan and pay at the
// (simulated) cashier, study a chapter answering the 防挂机 questions, and find the plan under
// 我的证书. nginx sends each request to the next instance in turn, so every step's state (OAuth
// state and code, SMS code, session, order, payment notification, playback) crosses instances.

const PUBLIC_PROJECT_TITLE = '重庆市2025年专技人员继续教育公需科目培训'
const COURSE_CODE = 'mental-health'
interface ManifestCourse {
  code: string
  title: string
  hours: number
  chapters: Array<{ durationSeconds: number }>
  questions: Array<{ prompt: string; options: string[]; answerIndex: number }>
}
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'server/seed/demo/manifest.json'), 'utf8')) as {
  projects: Array<{ title: string; requiredHours: number; courses: ManifestCourse[] }>
}
const plan = manifest.projects.find((p) => p.title === PUBLIC_PROJECT_TITLE)!
const course = plan.courses.find((c) => c.code === COURSE_CODE)!

let cluster: Cluster
let browser: Browser
let context: BrowserContext
let blockedUrls: string[]
const pageErrors: string[] = []

beforeAll(async () => {
  // A 防挂机 question falls due after 5–8 s of credited time, so one chapter asks at least one.
  cluster = await startCluster({ instances: 3, logLevel: 'warn', env: { ANTI_IDLE_INTERVAL_SECONDS: '5-8' } })
  browser = await launchBrowser()
  ;({ context, blockedUrls } = await newWechatContext(browser))
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await cluster?.stop()
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

describe('the learner’s journey through 3 instances behind nginx', () => {
  it('signs in with WeChat, registers, buys, pays, studies a chapter with a question and sees 我的证书', { timeout: 300_000 }, async () => {
    const origin = cluster.url
    const page = watch(await context.newPage())

    // 微信授权 on the simulator's page → unbound → 注册 (binds the WeChat identity).
    const session = await registerWechatBoundLearner(page, origin, '集群学员', 'Study2025ok')
    expect(session.user.wechatBound).toBe(true)

    // 首页 → the plan → 「立即购买」 → 「个人购买」 → 「提交订单」 → the simulated cashier.
    await page.goto(`${origin}/`)
    await page.locator('.project-card', { hasText: PUBLIC_PROJECT_TITLE }).first().click()
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

    // 课程培训 → 「进入学习」 → the course → play chapter 1 to the end, answering every question.
    const card = page.getByRole('article', { name: PUBLIC_PROJECT_TITLE })
    await card.getByRole('button', { name: '进入学习' }).click()
    await page.waitForURL(/\/training\/\d+/)
    await page.locator('.course-item').first().waitFor()
    const item = page.locator('.course-item', { hasText: course.title })
    if ((await item.count()) === 0) {
      await page.locator('.van-pagination').getByText('2', { exact: true }).click()
      await page.waitForURL(/page=2/)
    }
    await item.waitFor()
    await item.getByRole('link', { name: `观看《${course.title}》` }).click()
    await page.waitForURL(/\/learn\/courses\/\d+/)
    await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 1)
    const firstChapter = page.locator('.chapter-list li').nth(0)
    const dialog = page.getByRole('dialog', { name: '防挂机答题' })
    const deadline = Date.now() + ((course.chapters[0]?.durationSeconds ?? 60) + 90) * 1000
    let questions = 0
    for (;;) {
      expect(Date.now(), 'chapter not completed in time').toBeLessThan(deadline)
      if (await dialog.isVisible()) {
        await answerQuestion(page)
        questions += 1
        continue
      }
      if ((await firstChapter.locator('.chapter-list__state').innerText()).trim() === '已完成') break
      // The player's 「提示」 (playback interrupted) must never appear on the way.
      const interrupted = page.getByRole('dialog', { name: '提示' })
      if (await interrupted.isVisible()) throw new Error(`playback interrupted: ${await interrupted.innerText()}`)
      const paused = await page.locator('video').evaluate((v: HTMLVideoElement) => v.paused && !v.ended)
      if (paused) {
        const bigPlay = page.locator('.vjs-big-play-button')
        // A question may open at any moment: a click it covers is simply tried again next round.
        await (await bigPlay.isVisible() ? bigPlay : page.locator('.vjs-play-control')).click({ timeout: 2_000 }).catch(() => undefined)
      }
      await page.waitForTimeout(500)
    }
    expect(questions).toBeGreaterThanOrEqual(1)

    // 我的 → 「我的证书」: the plan, with the 学时 still missing (the certificate needs all 30).
    await page.goto(`${origin}/me`)
    await page.getByText('我的证书', { exact: true }).click()
    await page.waitForURL(/\/certificates$/)
    await page.locator('.plan-card', { hasText: PUBLIC_PROJECT_TITLE }).getByText(`还差 ${plan.requiredHours} 学时`).waitFor()
    await page.close()

    // Round robin, no stickiness: the instances took turns, so they served the same number of
    // requests (±1) and no two requests in a row went to the same instance unless others overlapped.
    const ports = new Set(cluster.instances.map((i) => `127.0.0.1:${i.port}`))
    const served = cluster.accessLog().filter((l) => ports.has(l.upstream))
    const counts = cluster.instances.map((i) => served.filter((l) => l.upstream === `127.0.0.1:${i.port}`).length)
    console.log(`[journey] ${served.length} requests through nginx, per instance ${counts.join(' / ')}; ${questions} 防挂机 question(s) answered`)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    expect(Math.min(...counts)).toBeGreaterThan(10)
    expect(blockedUrls).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
