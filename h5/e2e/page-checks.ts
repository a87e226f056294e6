import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults } from 'axe-core'
import type { BrowserContext, Page } from 'playwright-core'

const require = createRequire(import.meta.url)
/**
 * axe-core's own bundle, evaluated in the page through the DevTools protocol: nothing is fetched
 * from the network, and the app's Content-Security-Policy (script-src 'self', which refuses an
 * injected <script>) stays on while the page is checked.
 */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** The serious and critical axe-core violations on the page, one line per rule and element. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe
    return axe.run(document, { resultTypes: ['violations'] })
  })
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim() ?? ''}`))
}

/**
 * Enlarges the webview's text as WeChat's 关怀模式 or the phone's font size does: the default font
 * size the page's rem and % sizes grow from (16 px × factor).
 */
export async function setTextZoom(context: BrowserContext, page: Page, factor: number): Promise<void> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: Math.round(16 * factor) } })
}

export interface LayoutOptions {
  /** Also report interactive elements smaller than 44 × 44 px (inline links in running text excepted). */
  tapTargets?: boolean
}

/**
 * What a learner would see as broken: the page wider than the screen, text cut off by its box, text
 * on top of other text, tap targets on top of each other (and, when asked, too small to hit).
 * Deliberate one- or two-line ellipses (text-overflow, line-clamp) are not clipping.
 */
export async function layoutProblems(page: Page, options: LayoutOptions = {}): Promise<string[]> {
  return page.evaluate(({ tapTargets }) => {
    const problems: string[] = []
    const viewportWidth = document.documentElement.clientWidth

    const describe = (el: Element): string => {
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 24)
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}` : ''
      return `<${el.tagName.toLowerCase()}${cls}>${text ? ` 「${text}」` : ''}`
    }

    // Not shown: no box, or a visually hidden label (1 × 1 px, clipped) for screen readers only.
    const visible = (el: Element): boolean => {
      const rect = el.getBoundingClientRect()
      if (rect.width < 2 || rect.height < 2) return false
      for (let node: Element | null = el; node; node = node.parentElement) {
        const style = getComputedStyle(node)
        if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return false
      }
      return true
    }

    /** The area of `el` a learner can actually see: its box cut by every clipping ancestor. */
    const clipAncestors = (el: Element): Element[] => {
      const found: Element[] = []
      for (let node = el.parentElement; node; node = node.parentElement) {
        const style = getComputedStyle(node)
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') found.push(node)
      }
      return found
    }
    const shownInViewport = (el: Element): boolean => {
      const rect = el.getBoundingClientRect()
      for (const clip of clipAncestors(el)) {
        const box = clip.getBoundingClientRect()
        if (rect.right <= box.left + 1 || rect.left >= box.right - 1 || rect.bottom <= box.top + 1 || rect.top >= box.bottom - 1) return false
      }
      return true
    }

    /** Inside a deliberate ellipsis (text-overflow or line-clamp), up to and including `el`. */
    const ellipsised = (el: Element): boolean => {
      for (let node: Element | null = el; node; node = node.parentElement) {
        const style = getComputedStyle(node)
        if (style.textOverflow === 'ellipsis' || (style.webkitLineClamp && style.webkitLineClamp !== 'none')) return true
      }
      return false
    }

    // While a modal dialog is open, only it counts: what lies under the overlay cannot be tapped.
    const dialogs = Array.from(document.querySelectorAll('[aria-modal="true"], .van-dialog, .van-popup')).filter(visible)
    const scope: Element = dialogs.at(-1) ?? document.body

    // 1. Wider than the screen.
    if (document.documentElement.scrollWidth > viewportWidth + 1) {
      problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${viewportWidth} px viewport`)
    }

    // Elements that hold text of their own.
    const textElements = Array.from(scope.querySelectorAll('*')).filter(
      (el) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '') && visible(el) && shownInViewport(el),
    )

    for (const el of textElements) {
      const rect = el.getBoundingClientRect()
      // 1b. Text past the screen's edge with nothing to scroll it into view.
      const scrolled = clipAncestors(el).some((c) => ['auto', 'scroll'].includes(getComputedStyle(c).overflowX))
      if (!scrolled && (rect.right > viewportWidth + 1 || rect.left < -1)) problems.push(`off screen: ${describe(el)} spans ${Math.round(rect.left)}–${Math.round(rect.right)} px`)

      // 2. Text cut by its own box or by a clipping ancestor.
      if (ellipsised(el)) continue
      const style = getComputedStyle(el)
      const clipsSelf = style.overflowX !== 'visible' || style.overflowY !== 'visible'
      if (clipsSelf && (el.scrollWidth > el.clientWidth + 2 || el.scrollHeight > el.clientHeight + 2) && !['auto', 'scroll'].includes(style.overflowY)) {
        problems.push(`clipped: ${describe(el)} needs ${el.scrollWidth}×${el.scrollHeight} px in ${el.clientWidth}×${el.clientHeight}`)
        continue
      }
      const range = document.createRange()
      range.selectNodeContents(el)
      const textRect = range.getBoundingClientRect()
      for (const clip of clipAncestors(el)) {
        const clipStyle = getComputedStyle(clip)
        if (['auto', 'scroll'].includes(clipStyle.overflowY) || ['auto', 'scroll'].includes(clipStyle.overflowX)) break
        const box = clip.getBoundingClientRect()
        if (textRect.bottom > box.bottom + 2 || textRect.right > box.right + 2 || textRect.top < box.top - 2 || textRect.left < box.left - 2) {
          problems.push(`clipped: ${describe(el)} cut by ${describe(clip)}`)
          break
        }
      }
    }

    // 3. Text drawn over other text (a badge over a title, two lines run together).
    const textBoxes = textElements
      .filter((el) => !ellipsised(el))
      .map((el) => {
        const range = document.createRange()
        range.selectNodeContents(el)
        return { el, rects: Array.from(range.getClientRects()).filter((r) => r.width > 1 && r.height > 1) }
      })
    // Content scrolls under a fixed or sticky bar (the bar's placeholder lets it scroll out): only
    // things in the same layer can collide.
    const layer = (el: Element): Element | null => {
      for (let node: Element | null = el; node; node = node.parentElement) {
        const position = getComputedStyle(node).position
        if (position === 'fixed' || position === 'sticky') return node
      }
      return null
    }
    const overlaps = (a: DOMRect, b: DOMRect, margin: number) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > margin && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > margin
    for (let i = 0; i < textBoxes.length; i++) {
      for (let j = i + 1; j < textBoxes.length; j++) {
        const a = textBoxes[i]
        const b = textBoxes[j]
        if (!a || !b || a.el.contains(b.el) || b.el.contains(a.el) || layer(a.el) !== layer(b.el)) continue
        if (a.rects.some((ra) => b.rects.some((rb) => overlaps(ra, rb, 3)))) {
          problems.push(`text overlaps: ${describe(a.el)} and ${describe(b.el)}`)
        }
      }
    }

    // 4. Tap targets on top of each other, and (when asked) too small.
    const interactive = Array.from(
      scope.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, [role="button"], [role="tab"], [role="link"], [role="option"], [role="radio"], [role="checkbox"], [role="switch"]'),
    ).filter((el) => visible(el) && shownInViewport(el) && !el.closest('[aria-hidden="true"]'))
    // A control inside another (the input inside its field) is one target.
    const targets = interactive.filter((el) => !interactive.some((other) => other !== el && other.contains(el)))
    for (let i = 0; i < targets.length; i++) {
      for (let j = i + 1; j < targets.length; j++) {
        const a = targets[i]
        const b = targets[j]
        if (!a || !b || layer(a) !== layer(b)) continue
        if (overlaps(a.getBoundingClientRect(), b.getBoundingClientRect(), 2)) problems.push(`targets overlap: ${describe(a)} and ${describe(b)}`)
      }
    }
    if (tapTargets) {
      for (const el of targets) {
        const rect = el.getBoundingClientRect()
        const inRunningText = el.tagName === 'A' && el.parentElement !== null && Array.from(el.parentElement.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '')
        if (inRunningText || el.matches('input, textarea, select')) continue
        if (rect.width < 43.5 || rect.height < 43.5) problems.push(`small target: ${describe(el)} is ${Math.round(rect.width)}×${Math.round(rect.height)} px`)
      }
    }
    return problems
  }, { tapTargets: options.tapTargets ?? false })
}
