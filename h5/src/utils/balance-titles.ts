/**
 * `text-wrap: balance` for webviews that lack it (iOS before 17.4, older XWeb): a title that wraps
 * is narrowed to the smallest width that keeps its number of lines, so its lines come out even
 * (「…培 / 训」 becomes two halves). Webviews that support it natively do nothing here.
 */

const TITLES = 'h1, h2, h3'

/** Narrows one title; answers the max-width set, or null when it fits on one line. */
export function balanceTitle(el: HTMLElement): number | null {
  el.style.maxWidth = ''
  const width = el.clientWidth
  // scrollHeight: the full text even inside a two-line clamp, so narrowing never hides a line.
  const height = el.scrollHeight
  const lineHeight = Number.parseFloat(getComputedStyle(el).lineHeight) || height
  if (width === 0 || height < lineHeight * 1.5) return null
  let low = Math.floor(width / 2)
  let high = width
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    el.style.maxWidth = `${middle}px`
    if (el.scrollHeight > height) low = middle
    else high = middle
  }
  el.style.maxWidth = `${high}px`
  return high
}

/** Loaded by main.ts only where the webview lacks `text-wrap: balance`. */
export function installTitleBalancing(root: Document = document): void {
  let scheduled = false
  const run = () => {
    scheduled = false
    for (const el of root.querySelectorAll<HTMLElement>(TITLES)) balanceTitle(el)
  }
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    requestAnimationFrame(run)
  }
  new MutationObserver(schedule).observe(root.body, { subtree: true, childList: true, characterData: true })
  // 大字模式 switches a class on <html>: every title wraps anew.
  new MutationObserver(schedule).observe(root.documentElement, { attributes: true, attributeFilter: ['class'] })
  window.addEventListener('resize', schedule)
}
