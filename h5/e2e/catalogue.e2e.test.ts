import type { Catalogue, ProjectDetail } from '@app/shared/catalogue'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { launchBrowser, newWechatContext, skipWechatOauth } from './browser.ts'
import { PUBLIC_PROJECT_TITLE } from './demo-catalogue.ts'

const YEARLY_RULE = '每年累计应不少于90学时，其中，公需科目不少于30学时，专业科目不少于60学时'

const baseUrl = inject('baseUrl')
let browser: Browser
let context: BrowserContext
let blockedUrls: string[]
let page: Page
let pageErrors: string[]
let catalogue: Catalogue

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`)
  expect(response.status).toBe(200)
  return (await response.json()) as T
}

beforeAll(async () => {
  catalogue = await getJson<Catalogue>('/api/catalogue')
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser.close()
})

beforeEach(async () => {
  ;({ context, blockedUrls, pageErrors } = await newWechatContext(browser))
  // These tests are about signed-out pages; WeChat OAuth has its own journey (wechat-register).
  await skipWechatOauth(context)
  page = await context.newPage()
})

afterEach(async () => {
  // Every page must work with nothing but our own host, and without script errors.
  expect(blockedUrls).toEqual([])
  expect(pageErrors).toEqual([])
  await context.close()
})

describe('在线学习中心 (home)', () => {
  it('shows both 项目分类 and the seeded public-subjects project with price, hours and state', async () => {
    await page.goto(`${baseUrl}/`)
    await page.getByText(PUBLIC_PROJECT_TITLE).first().waitFor()

    expect(await page.title()).toBe('在线学习中心')
    await expect(page.getByRole('heading', { name: '在线学习中心' }).isVisible()).resolves.toBe(true)
    await expect(page.getByText('项目分类', { exact: true }).isVisible()).resolves.toBe(true)
    await expect(page.getByRole('tab', { name: '专技人员公需科目' }).isVisible()).resolves.toBe(true)
    await expect(page.getByRole('tab', { name: '专业科目' }).isVisible()).resolves.toBe(true)

    const publicProject = catalogue.categories.find((c) => c.code === 'public')?.projects[0]
    expect(publicProject?.title).toBe(PUBLIC_PROJECT_TITLE)
    const card = page.locator('.project-card', { hasText: PUBLIC_PROJECT_TITLE })
    const cardText = await card.innerText()
    expect(cardText).toContain(`¥${((publicProject?.priceFen ?? 0) / 100).toFixed(2)}`)
    expect(cardText).toContain(`要求 ${publicProject?.requiredHours} 学时`)
    expect(cardText).toContain(`${publicProject?.courseCount} 门课程`)
    expect(cardText).toContain('未购买')
    expect(await page.locator('body').innerText()).toContain(YEARLY_RULE)

    // The tab bar the manual implies.
    const tabbar = page.locator('.van-tabbar')
    for (const label of ['首页', '课程培训', '我的']) {
      await expect(tabbar.getByText(label, { exact: true }).isVisible()).resolves.toBe(true)
    }
    // Laid out for the phone: nothing wider than the 375 px viewport.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
  })

  it('switches to 专业科目 and lists its projects', async () => {
    await page.goto(`${baseUrl}/`)
    await page.getByRole('tab', { name: '专业科目' }).click()
    const professional = catalogue.categories.find((c) => c.code === 'professional')
    const title = professional?.projects[0]?.title
    expect(title).toBeTruthy()
    await page.locator('.project-card', { hasText: title }).waitFor({ state: 'visible' })
    expect(page.url()).toContain('category=professional')
  })
})

describe('project detail', () => {
  it('opens from the card and lists the courses with covers and hours', async () => {
    await page.goto(`${baseUrl}/`)
    await page.locator('.project-card', { hasText: PUBLIC_PROJECT_TITLE }).click()
    await page.waitForURL(/\/projects\/\d+$/)
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    const detail = await getJson<ProjectDetail>(`/api/projects/${id}`)
    expect(detail.courses.length).toBeGreaterThan(0)

    const items = page.locator('.course-item')
    await items.first().waitFor()
    expect(await items.count()).toBe(detail.courses.length)
    const first = detail.courses[0]
    if (!first) throw new Error('seed has no courses')
    const firstText = await items.first().innerText()
    expect(firstText).toContain(first.title)
    expect(firstText).toContain('学时')

    // Covers are real images served by our host, and they load.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.course-item img')
      return img !== null && img.complete && img.naturalWidth > 0
    })

    const body = await page.locator('body').innerText()
    expect(body).toContain(PUBLIC_PROJECT_TITLE)
    expect(body).toContain('学分要求')
    expect(body).toContain(YEARLY_RULE)
    expect(await page.title()).toBe(PUBLIC_PROJECT_TITLE)
  })

  it('sends 「立即购买」 to sign-in with a redirect back to the project', async () => {
    const id = catalogue.categories[0]?.projects[0]?.id
    await page.goto(`${baseUrl}/projects/${id}`)
    await page.getByRole('button', { name: '立即购买' }).click()
    await page.waitForURL(/\/login\?/)
    expect(new URL(page.url()).searchParams.get('redirect')).toBe(`/projects/${id}`)
    expect(await page.title()).toBe('登录')
  })

  it('says so when the project does not exist', async () => {
    await page.goto(`${baseUrl}/projects/999999`)
    await page.getByText('培训项目不存在或已下架').waitFor()
  })
})

describe('other pages', () => {
  it('sends 课程培训 and 我的 to sign-in and back, since both need an account', async () => {
    await page.goto(`${baseUrl}/`)
    await page.locator('.van-tabbar').getByText('课程培训', { exact: true }).click()
    await page.waitForURL(/\/login\?/)
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/training')
    expect(await page.title()).toBe('登录')
    await page.goto(`${baseUrl}/me`)
    await page.waitForURL(/\/login\?/)
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/me')
    await expect(page.getByRole('button', { name: '登录' }).isVisible()).resolves.toBe(true)
  })

  it('shows a 404 page for unknown paths', async () => {
    await page.goto(`${baseUrl}/no-such-page`)
    await page.getByText('页面不存在或已被移除').waitFor()
    expect(await page.title()).toBe('页面不存在')
  })
})
