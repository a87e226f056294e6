import type { BrowserContext, CDPSession, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, newWechatContext, skipWechatOauth } from './browser.ts'
import { openStop, startTour, type Tour } from './route-tour.ts'

// Text that grows (docs/accessibility.md): on the screens a learner reads most, every
// visible text node is at least 12 px at 320, 375 and 414 px wide, and every one of them grows
// with 「大字模式」 and with WeChat's font size (the webview's default font size). Each screen loads
// once; the viewport is resized and the mode switched on the loaded page, as a learner would.

const SCREENS = ['home-signed-in', 'project-bought', 'training', 'me', 'orders', 'certificates', 'invoices'] as const
const WIDTHS = [320, 375, 414] as const
/** The class utils/large-text.ts puts on <html> for 大字模式 (what 我的's switch does). */
const LARGE_TEXT_CLASS = 'app-large-text'
/** WeChat's 字体大小 one step up, as the webview's default font size (16 px × 1.3). */
const WECHAT_LARGER_FONT_PX = 21
const MIN_FONT_PX = 12

interface TextSize {
  text: string
  px: number
}

/** The computed font size of every visible text node, in document order. */
function textSizes(page: Page): Promise<TextSize[]> {
  return page.evaluate(() => {
    // Sizes as they settle: a `transition: all` (Vant's progress pivot) would otherwise be caught
    // half-way between the modes. Endless animations (spinners) cannot finish and need not.
    for (const animation of document.getAnimations()) {
      try {
        animation.finish()
      } catch {
        // infinite
      }
    }
    const out: Array<{ text: string; px: number }> = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim()
      const parent = node.parentElement
      if (!text || !parent || parent.closest('[aria-hidden="true"], [inert], noscript, script, style')) continue
      const range = document.createRange()
      range.selectNodeContents(node)
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0)
      if (rects.length === 0) continue
      const style = getComputedStyle(parent)
      if (style.visibility === 'hidden' || parent.closest('.app-visually-hidden')) continue
      out.push({ text: text.slice(0, 24), px: Number.parseFloat(style.fontSize) })
    }
    return out
  })
}

async function setLargeText(page: Page, on: boolean): Promise<void> {
  await page.evaluate(({ cls, on }) => document.documentElement.classList.toggle(cls, on), { cls: LARGE_TEXT_CLASS, on })
}

async function setDefaultFontSize(cdp: CDPSession, px: number): Promise<void> {
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: px } })
}

/** The texts of `scaled` that did not grow compared with `base` (same page, same DOM, other mode). */
function notGrown(base: TextSize[], scaled: TextSize[]): string[] {
  if (base.length !== scaled.length) return [`${base.length} texts before, ${scaled.length} after`]
  return base.flatMap((b, i) => {
    const s = scaled[i]
    return s && s.px > b.px + 0.01 ? [] : [`「${b.text}」 ${b.px} px → ${s?.px ?? '?'} px`]
  })
}

const tooSmall = (sizes: TextSize[]) => sizes.filter((s) => s.px < MIN_FONT_PX - 0.01).map((s) => `「${s.text}」 ${s.px} px`)

let tour: Tour
const contexts = new Map<string, BrowserContext>()
let closeBrowser: () => Promise<void>

beforeAll(async () => {
  tour = await startTour()
  const browser = await launchBrowser()
  closeBrowser = () => browser.close()
  for (const name of SCREENS) {
    const stop = tour.stops.find((s) => s.name === name)
    if (!stop) throw new Error(`no tour stop ${name}`)
    if (contexts.has(stop.as)) continue
    const { context } = await newWechatContext(browser, { viewport: { width: WIDTHS[0], height: 640 } })
    await skipWechatOauth(context)
    await tour.signIn(context, stop)
    contexts.set(stop.as, context)
  }
}, 600_000)

afterAll(async () => {
  for (const context of contexts.values()) await context.close()
  await closeBrowser?.()
  await tour?.close()
})

describe('大字模式 and WeChat’s font size reach every text', () => {
  for (const name of SCREENS) {
    it(`${name}: ≥ ${MIN_FONT_PX} px everywhere, and every text grows`, { timeout: 120_000 }, async () => {
      const stop = tour.stops.find((s) => s.name === name)
      const context = stop && contexts.get(stop.as)
      if (!stop || !context) throw new Error(`no context for ${name}`)
      const page = await openStop(context, tour, stop)
      // Some stops are ready with their nav bar (我的发票): wait for their list as well.
      await expect.poll(async () => (await textSizes(page)).length, { timeout: 30_000 }).toBeGreaterThan(3)
      const cdp = await context.newCDPSession(page)
      const found: string[] = []
      try {
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 640 })
          const normal = await textSizes(page)
          expect(normal.length, `${name} shows text at ${width} px`).toBeGreaterThan(3)
          await setLargeText(page, true)
          const large = await textSizes(page)
          await setLargeText(page, false)
          await setDefaultFontSize(cdp, WECHAT_LARGER_FONT_PX)
          const wechatLarger = await textSizes(page)
          await setDefaultFontSize(cdp, 16)

          for (const line of tooSmall(normal)) found.push(`${width} px: ${line}`)
          for (const line of notGrown(normal, large)) found.push(`${width} px, 大字模式 did not enlarge ${line}`)
          for (const line of notGrown(normal, wechatLarger)) found.push(`${width} px, WeChat's font size did not enlarge ${line}`)
        }
      } finally {
        await page.close()
      }
      expect(found).toEqual([])
    })
  }
})
