import type { Catalogue } from '@app/shared/catalogue'
import type { Certificate } from '@app/shared/certificates'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The server's test harness prepares this file's server before it starts: the real app in this
// process on the same database, with a clock it moves. The server credits 学时 only for real
// viewing time; moving that clock while reporting through the learning API is how the server's
// tests complete a plan honestly, without waiting hours of wall time. Then the real server starts
// on that data like every other journey's. No production backdoor: nothing here is in the server.
import { completePlan, enrol, PASSWORD, prepareServerData, registerLearner, type Registered } from '@app/server/testing'
import { MOBILE_CHROME_USER_AGENT, newWechatContext, skipWechatOauth, startJourney, type Journey } from './browser.ts'
import { demoProjects, PUBLIC_PROJECT_TITLE } from './demo-catalogue.ts'
import { startServer, type StartedServer } from './global-setup.ts'

// CRT-1 … CRT-4 in the WeChat UA: 我的 → 「我的证书」 (a completed plan with 「查看证书」, one still
// being studied with 「还差 N 学时」) → 完善个人信息 (ID number typed to confirm, 组织机构 by unit search
// or 档案所在区县) → the certificate image (A4 landscape, not blank), 「打印证书」 (the PDF) and the
// public verification page at the certificate's verifyUrl (what its QR code encodes), signed out,
// inside WeChat without OAuth and outside WeChat.

const UNKNOWN_NUMBER = 'CQ2025AAAAAAAAAAAAA'

let server: StartedServer
let origin: string
let learner: Registered
let completedProjectId: number
let openProjectId: number
let openRequiredHours: number
let journey: Journey
let certificate: Certificate | undefined

beforeAll(async () => {
  server = await startServer({}, (storage) =>
    prepareServerData(storage, { antiIdle: { minSeconds: 3600, maxSeconds: 3600 } }, async (t) => {
      const { publicProject, professionalProject: otherProject } = demoProjects((await t.app.inject({ method: 'GET', url: '/api/catalogue' })).json<Catalogue>())
      completedProjectId = publicProject.id
      openProjectId = otherProject.id
      openRequiredHours = otherProject.requiredHours

      // Bought both plans (paying has its own journey); completed the public-subjects one by watching.
      learner = await registerLearner(t.app, { realName: '证书学员' })
      await enrol(t.database.db, learner.userId, completedProjectId, t.clock.now)
      await enrol(t.database.db, learner.userId, openProjectId, t.clock.now)
      await completePlan(t, learner, completedProjectId)
    }),
  )
  // PUBLIC_BASE_URL is http://localhost:<port>: the certificate's verifyUrl (its QR code) names that origin.
  origin = server.baseUrl.replace('127.0.0.1', 'localhost')

  journey = await startJourney()
  await skipWechatOauth(journey.context)
  // Signed in as a returning learner: the refresh cookie lands in the browser, the page restores it.
  const page = await journey.context.newPage()
  const login = await page.request.post(`${origin}/api/auth/login`, { data: { account: learner.phone, password: PASSWORD } })
  expect(login.status()).toBe(200)
  await page.close()
}, 180_000)

afterAll(async () => {
  await journey?.close()
  await server?.stop()
})

/** Decodes the shown <img> into pixels: its natural size and how much of it is not background. */
async function imageStats(page: Page) {
  return page.locator('img.certificate__image').evaluate((node) => {
    const img = node as HTMLImageElement
    const canvas = document.createElement('canvas')
    canvas.width = img.naturalWidth
    canvas.height = img.naturalHeight
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('no 2d context')
    ctx.drawImage(img, 0, 0)
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
    const first = [data[0], data[1], data[2]]
    let differing = 0
    const colours = new Set<number>()
    for (let i = 0; i < data.length; i += 4 * 16) {
      const r = data[i] ?? 0
      const g = data[i + 1] ?? 0
      const b = data[i + 2] ?? 0
      if (Math.abs(r - (first[0] ?? 0)) + Math.abs(g - (first[1] ?? 0)) + Math.abs(b - (first[2] ?? 0)) > 30) differing++
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4))
    }
    return { width: img.naturalWidth, height: img.naturalHeight, differingShare: differing / (data.length / (4 * 16)), colours: colours.size }
  })
}

describe('我的证书 → 完善个人信息 → 证书 → 证书验证', () => {
  it('lists the completed plan with 「查看证书」 and the other with the 学时 still missing', async () => {
    const page = await journey.context.newPage()
    await page.goto(`${origin}/me`)
    await page.getByText('我的证书', { exact: true }).click()
    await page.waitForURL(/\/certificates$/)

    const completed = page.locator('.plan-card', { hasText: PUBLIC_PROJECT_TITLE })
    await completed.getByRole('button', { name: '查看证书' }).waitFor()
    const open = page.locator('.plan-card').filter({ hasNotText: PUBLIC_PROJECT_TITLE })
    await open.getByText(`还差 ${openRequiredHours} 学时`).waitFor()
    expect(await open.getByRole('link', { name: '继续学习' }).getAttribute('href')).toBe(`/training/${openProjectId}`)
    await page.close()
  })

  it('asks for 完善个人信息 first and issues the certificate', async () => {
    const page = await journey.context.newPage()
    await page.goto(`${origin}/certificates`)
    await page.locator('.plan-card', { hasText: PUBLIC_PROJECT_TITLE }).getByRole('button', { name: '查看证书' }).click()
    await page.waitForURL(new RegExp(`/certificates/projects/${completedProjectId}/profile$`))

    // Name and masked ID number as the account holds them, and the notice that they are final.
    const body = page.locator('body')
    await page.getByText('证书生成后不能修改').waitFor()
    const text = await body.innerText()
    expect(text).toContain(learner.realName)
    expect(text).toContain(`${learner.idNumber.slice(0, 4)}**********${learner.idNumber.slice(-4)}`)
    expect(text).toContain('400-023-9229')
    expect(text).not.toContain(learner.idNumber)

    // A typo in the confirmation is caught while typing.
    const idField = page.locator('input[name="confirmIdNumber"]')
    await idField.fill(`${learner.idNumber.slice(0, 16)}`)
    await idField.blur()
    await page.getByText('身份证号码应为18位').waitFor()
    await idField.fill(learner.idNumber.toLowerCase())
    await page.getByText('身份证号码应为18位').waitFor({ state: 'hidden' })

    // 组织机构: the unit search finds the unit (debounced), then the learner switches to the 区县 instead.
    const search = page.waitForResponse((r) => r.url().includes('/api/certificates/organisations?'))
    await page.getByPlaceholder('输入单位名称查找').fill('设计研究院')
    await search
    await page.getByRole('option', { name: /设计研究院/ }).click()
    await page.getByText('单位 ·').waitFor()
    await page.getByRole('button', { name: '重新选择' }).click()
    await page.getByText('找不到单位？选择档案所在区县').click()
    // The 区县 list opens with nothing chosen: 「确认」 waits for an active choice (no district by accident).
    const picker = page.getByRole('dialog', { name: '选择档案所在区县' })
    await picker.getByRole('radio', { name: '渝中区' }).waitFor()
    expect(await picker.getByRole('radio', { checked: true }).count()).toBe(0)
    expect(await picker.getByRole('button', { name: '确认' }).isDisabled()).toBe(true)
    await picker.getByRole('radio', { name: '渝中区' }).click()
    await picker.getByRole('button', { name: '确认' }).click()
    await page.getByText('档案所在区县', { exact: true }).waitFor()
    expect(await page.locator('.org-picker__selected-name').innerText()).toBe('重庆市渝中区')

    await page.getByRole('button', { name: '生成证书' }).click()
    const dialog = page.locator('.van-dialog', { hasText: '确认证书信息' })
    await dialog.waitFor()
    expect(await dialog.innerText()).toContain(learner.idNumber)
    const issued = page.waitForResponse((r) => r.url().endsWith('/api/certificates') && r.request().method() === 'POST')
    await dialog.getByRole('button', { name: '确认生成' }).click()
    const response = await issued
    expect(response.status()).toBe(201)
    certificate = (await response.json()) as Certificate
    await page.waitForURL(new RegExp(`/certificates/${certificate.id}$`))
    await page.close()
  })

  it('shows the certificate as a non-blank A4-landscape image with its data, and prints the PDF', async () => {
    if (!certificate) throw new Error('no certificate issued')
    const page = await journey.context.newPage()
    await page.goto(`${origin}/certificates`)
    await page.locator('.plan-card', { hasText: PUBLIC_PROJECT_TITLE }).getByRole('button', { name: '查看证书' }).click()
    await page.waitForURL(new RegExp(`/certificates/${certificate.id}$`))

    const img = page.locator('img.certificate__image')
    await expect.poll(() => img.evaluate((node) => (node as HTMLImageElement).complete && (node as HTMLImageElement).naturalWidth > 0), { timeout: 30_000 }).toBe(true)
    const stats = await imageStats(page)
    expect(stats.width / stats.height).toBeCloseTo(297 / 210, 2)
    expect(stats.width).toBeGreaterThanOrEqual(1000)
    // Text, seal and QR code: a good share of the page differs from the background, in many colours.
    expect(stats.differingShare).toBeGreaterThan(0.02)
    expect(stats.colours).toBeGreaterThan(8)
    // Shown full width in the 375 px column.
    expect((await img.boundingBox())?.width).toBeGreaterThan(340)
    await page.getByText('长按图片可保存到手机').waitFor()

    // The key data in text; the owner sees the full ID number.
    const text = await page.locator('.certificate__data').innerText()
    for (const value of [certificate.number, learner.realName, learner.idNumber, PUBLIC_PROJECT_TITLE, '2025 年', '重庆市渝中区']) {
      expect(text).toContain(value)
    }
    expect(certificate.organisationName).toBe('重庆市渝中区')

    // 「打印证书」 opens the signed PDF link in a new page; the link works without any token.
    const print = page.getByRole('link', { name: '打印证书' })
    const href = await print.getAttribute('href')
    expect(href).toMatch(new RegExp(`^/api/certificates/${certificate.id}/certificate\\.pdf\\?expires=\\d+&sig=`))
    expect(await print.getAttribute('target')).toBe('_blank')
    const pdf = await fetch(`${server.baseUrl}${href ?? ''}`)
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const [popup] = await Promise.all([journey.context.waitForEvent('page'), print.click()])
    expect(popup.url()).toContain(`/api/certificates/${certificate.id}/certificate.pdf?expires=`)
    await popup.close()

    // 「验证证书」 goes to the public page for this number.
    await page.getByRole('button', { name: '验证证书' }).click()
    await page.waitForURL(new RegExp(`/verify/${certificate.number}$`))
    await page.getByText('证书真实有效').waitFor()
    await page.close()
  })

  it('opens the QR code’s verifyUrl signed out inside WeChat, without OAuth, with the ID number masked', async () => {
    if (!certificate) throw new Error('no certificate issued')
    // What the QR code encodes (the server puts verifyUrl in it): the public base URL + /verify/<number>.
    expect(certificate.verifyUrl).toBe(`${origin}/verify/${certificate.number}`)
    const stranger = await newWechatContext(journey.browser)
    const requested: string[] = []
    stranger.context.on('request', (request) => requested.push(request.url()))
    const page = await stranger.context.newPage()
    await page.goto(certificate.verifyUrl)
    await page.getByText('证书真实有效').waitFor()
    const text = await page.locator('body').innerText()
    expect(text).toContain(certificate.number)
    expect(text).toContain(learner.realName)
    expect(text).toContain(`${learner.idNumber.slice(0, 4)}**********${learner.idNumber.slice(-4)}`)
    expect(text).not.toContain(learner.idNumber)
    expect(new URL(page.url()).pathname).toBe(`/verify/${certificate.number}`)
    expect(requested.filter((url) => url.includes('/api/auth/wechat/start') || url.includes('/login'))).toEqual([])
    expect(stranger.blockedUrls).toEqual([])
    expect(stranger.pageErrors).toEqual([])
    await stranger.context.close()
  })

  it('says 「证书不存在」 for an unknown number outside WeChat, and checks a typed number first', async () => {
    const outside = await newWechatContext(journey.browser, { userAgent: MOBILE_CHROME_USER_AGENT })
    const page = await outside.context.newPage()
    await page.goto(`${origin}/verify/${UNKNOWN_NUMBER}`)
    await page.getByRole('heading', { name: '证书不存在' }).waitFor()
    expect(new URL(page.url()).pathname).toBe(`/verify/${UNKNOWN_NUMBER}`)

    // A mistyped number is caught before any look-up; a real one (typed in lower case with spaces) is found.
    await page.locator('input[name="certificateNumber"]').fill('CQ2025')
    await page.getByRole('button', { name: '验证' }).click()
    await page.getByText('证书编号为19位').waitFor()
    if (certificate) {
      const typed = `${certificate.number.slice(0, 6)} ${certificate.number.slice(6)}`.toLowerCase()
      await page.locator('input[name="certificateNumber"]').fill(typed)
      await page.getByRole('button', { name: '验证' }).click()
      await page.waitForURL(new RegExp(`/verify/${certificate.number}$`))
      await page.getByText('证书真实有效').waitFor()
    }
    expect(outside.blockedUrls).toEqual([])
    expect(outside.pageErrors).toEqual([])
    await outside.context.close()
  })

  it('keeps the journey on this machine and free of page errors', async () => {
    // The issue was idempotent: the same certificate comes back for a second request.
    const login = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: learner.phone, password: PASSWORD }) })
    const { accessToken } = (await login.json()) as { accessToken: string }
    const again = await fetch(`${server.baseUrl}/api/certificates`, { headers: { authorization: `Bearer ${accessToken}` } })
    const plans = ((await again.json()) as { plans: Array<{ projectId: number; certificateId: number | null }> }).plans
    expect(plans.find((p) => p.projectId === completedProjectId)?.certificateId).toBe(certificate?.id)
    expect(journey.blockedUrls).toEqual([])
    expect(journey.pageErrors).toEqual([])
  })
})
