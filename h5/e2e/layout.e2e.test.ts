import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newWechatContext, skipWechatOauth } from './browser.ts'
import { layoutProblems } from './page-checks.ts'
import { openStop, startTour, type Tour, type TourStop } from './route-tour.ts'
import { EXHAUSTIVE } from './tier.ts'

// Layout that holds (docs/accessibility.md): every route, signed out and signed in, on the three phone sizes
// learners use most, in WeChat's user agent: nothing wider than the screen, no text cut off by its
// box, no text or tap targets on top of each other. Each screen is opened once (at 320 px) and
// measured at each size by resizing the viewport, rather than replaying the tour per size. In CI
// (the exhaustive tier, tier.ts) a full-page screenshot of each screen at each size is kept in
// e2e/artifacts/layout/ (git-ignored) as an artefact; a contributor's run skips taking them.

const VIEWPORTS = [
  { width: 320, height: 568 },
  { width: 375, height: 812 },
  { width: 414, height: 896 },
] as const

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts', 'layout')

let tour: Tour
let browser: Browser

beforeAll(async () => {
  tour = await startTour()
  browser = await launchBrowser()
  await mkdir(ARTIFACTS, { recursive: true })
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await tour?.close()
})

describe('a signed-out first load', () => {
  it('logs no console error and fetches nothing that fails (the refresh, the favicon)', async () => {
    const { context } = await newWechatContext(browser)
    await skipWechatOauth(context)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(`${tour.origin}/`)
    await page.getByText('项目分类').waitFor()
    // The browser asks for the icon on its own; the page names an SVG one.
    const icon = await page.request.get(`${tour.origin}/favicon.ico`)
    expect(icon.status()).toBe(200)
    await page.getByRole('link', { name: '登录/注册' }).waitFor()
    await page.waitForLoadState('networkidle')
    expect(errors).toEqual([])
    await context.close()
  })
})

/**
 * Every stop opened once, then measured at each phone size in turn by resizing the viewport (the
 * layout reflows as on a phone of that width): what each size found, by its width. The three
 * sizes' tests share this one pass, and each asserts its own size's findings.
 */
let measured: Promise<Map<number, string[]>> | undefined

function measureEveryStop(): Promise<Map<number, string[]>> {
  measured ??= (async () => {
    const found = new Map<number, string[]>(VIEWPORTS.map((viewport) => [viewport.width, []]))
    const contexts = new Map<TourStop['as'], BrowserContext>()
    try {
      for (const stop of tour.stops) {
        let context = contexts.get(stop.as)
        if (!context) {
          context = (await newWechatContext(browser, { viewport: VIEWPORTS[0] })).context
          await skipWechatOauth(context)
          await tour.signIn(context, stop)
          contexts.set(stop.as, context)
        }
        let page: Page | undefined
        try {
          page = await openStop(context, tour, stop)
        } catch (error) {
          await page?.close()
          for (const list of found.values()) list.push(`${stop.name}: could not open (${(error as Error).message.split('\n')[0]})`)
          continue
        }
        try {
          for (const viewport of VIEWPORTS) {
            const list = found.get(viewport.width) ?? []
            try {
              await resizeTo(page, viewport)
              if (EXHAUSTIVE) await page.screenshot({ path: join(ARTIFACTS, `${viewport.width}x${viewport.height}-${stop.name}.png`), fullPage: true })
              for (const problem of await layoutProblems(page)) list.push(`${stop.name}: ${problem}`)
            } catch (error) {
              list.push(`${stop.name}: could not measure (${(error as Error).message.split('\n')[0]})`)
            }
          }
        } finally {
          await page.close()
        }
      }
    } finally {
      for (const context of contexts.values()) await context.close()
    }
    return found
  })()
  return measured
}

/** Gives the page another phone's size and lets the layout (and Vant's resize listeners) settle. */
async function resizeTo(page: Page, viewport: (typeof VIEWPORTS)[number]): Promise<void> {
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 }
  if (width === viewport.width && height === viewport.height) return
  await page.setViewportSize(viewport)
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))))
  // Vant's transitions and resize-driven measurements (tab lines, sticky bars) finish.
  await page.waitForTimeout(300)
}

describe('every route keeps its layout', () => {
  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width}×${viewport.height}`, { timeout: 900_000 }, async () => {
      const found = await measureEveryStop()
      expect(found.get(viewport.width)).toEqual([])
    })
  }
})
