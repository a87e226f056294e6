import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newWechatContext, skipWechatOauth } from './browser.ts'
import { axeViolations, layoutProblems, setTextZoom } from './page-checks.ts'
import { EXHAUSTIVE } from './tier.ts'
import { openStop, startTour, type Tour, type TourStop } from './route-tour.ts'

// 适老化 (docs/accessibility.md): every route, signed out and signed in — the player with a 防挂机 question open,
// a confirmation dialog, the certificate and its verification page included — has no serious or
// critical axe-core violation at 375 px, and still holds together when the webview's text is
// enlarged 1.3× and 1.6× (WeChat's 关怀模式, the phone's font size): nothing wider than the
// screen, no clipped or overlapping text, tap targets apart and at least 44 × 44 px. The 1.3× pass
// runs in CI's exhaustive tier (tier.ts); 1.6× in every run.

let tour: Tour
let browser: Browser
const contexts = new Map<TourStop['as'], BrowserContext>()

beforeAll(async () => {
  tour = await startTour()
  browser = await launchBrowser()
}, 600_000)

afterAll(async () => {
  for (const context of contexts.values()) await context.close()
  await browser?.close()
  await tour?.close()
})

/** One browser context per visitor, signed in once: the pages of a stop share its session. */
async function contextFor(stop: TourStop): Promise<BrowserContext> {
  const existing = contexts.get(stop.as)
  if (existing) return existing
  const { context } = await newWechatContext(browser)
  await skipWechatOauth(context)
  await tour.signIn(context, stop)
  contexts.set(stop.as, context)
  return context
}

/** Opens the stop (at a text zoom), runs the check and records what it found, or why it could not open. */
async function checkStop(stop: TourStop, found: string[], check: (page: Page) => Promise<string[]>, zoom?: number): Promise<void> {
  const context = await contextFor(stop)
  let page: Page | undefined
  try {
    page = await openStop(context, tour, stop, zoom ? (blank) => setTextZoom(context, blank, zoom) : undefined)
    for (const problem of await check(page)) found.push(`${stop.name}: ${problem}`)
  } catch (error) {
    found.push(`${stop.name}: could not open (${(error as Error).message.split('\n')[0]})`)
  } finally {
    await page?.close()
  }
}

describe('axe-core finds no serious or critical violation', () => {
  it('on every route', { timeout: 600_000 }, async () => {
    const found: string[] = []
    for (const stop of tour.stops) {
      await checkStop(stop, found, async (page) => axeViolations(page))
    }
    expect(found).toEqual([])
  })
})

describe('enlarged text keeps the layout whole', () => {
  // 1.6× in every run; 1.3× too in CI's exhaustive tier (tier.ts).
  for (const zoom of EXHAUSTIVE ? [1.3, 1.6] : [1.6]) {
    it(`at ${zoom}× text zoom on every route`, { timeout: 600_000 }, async () => {
      const found: string[] = []
      for (const stop of tour.stops) {
        await checkStop(stop, found, (page) => layoutProblems(page, { tapTargets: true }), zoom)
      }
      expect(found).toEqual([])
    })
  }
})
