/**
 * Accessibility that Vant's components leave out, fixed once for the whole app (适老化, WCAG 2.4.3
 * and 4.1.2) instead of in every view that uses one:
 *
 * - A dialog has a name: Vant's Dialog puts its title *text* in aria-labelledby (not an id), and a
 *   Popup has none; the dialog is labelled by its own title or first heading.
 * - A popup that merely wraps a named dialog of its own (the 防挂机 question) stops being a second,
 *   nameless dialog around it.
 * - While a dialog is open, focus stays in it (Tab cannot wander to the page under the overlay), and
 *   it returns where it was when the dialog closes.
 * - Nothing focusable hides under aria-hidden: a swiped-away tab panel is made inert as well.
 * - A tab used as a filter (van-tabs without panels) does not point aria-controls at nothing.
 */

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'
const TITLE = '.van-dialog__header, .van-picker__title, h1, h2, h3, h4'
/** aria-hidden elements this module made inert (and so may make active again). */
const madeInert = new WeakSet<Element>()
let labelSerial = 0

function shown(el: Element): boolean {
  if (!(el instanceof HTMLElement) || el.getClientRects().length === 0) return false
  const style = getComputedStyle(el)
  return style.visibility !== 'hidden' && style.display !== 'none'
}

/** Gives an open dialog its name and modality. */
function describeDialog(dialog: HTMLElement): void {
  const inner = dialog.querySelector<HTMLElement>('[role="dialog"]')
  if (inner && (inner.hasAttribute('aria-labelledby') || inner.hasAttribute('aria-label'))) {
    // The wrapper is only a frame around a dialog that names itself.
    dialog.setAttribute('role', 'presentation')
    dialog.removeAttribute('tabindex')
    return
  }
  const labelledBy = dialog.getAttribute('aria-labelledby')
  if (!dialog.hasAttribute('aria-label') && (!labelledBy || !document.getElementById(labelledBy))) {
    const title = dialog.querySelector<HTMLElement>(TITLE)
    if (title) {
      title.id ||= `app-dialog-title-${++labelSerial}`
      dialog.setAttribute('aria-labelledby', title.id)
    } else {
      dialog.removeAttribute('aria-labelledby')
      const text = dialog.querySelector('.van-dialog__message')?.textContent?.trim()
      if (text) dialog.setAttribute('aria-label', text.slice(0, 40))
    }
  }
  dialog.setAttribute('aria-modal', 'true')
}

/** The dialog on top, if one is open. */
function topDialog(): HTMLElement | null {
  const open = [...document.querySelectorAll<HTMLElement>('.van-popup[role="dialog"], .van-popup [role="dialog"]')].filter(shown)
  if (open.length === 0) return null
  // Later in the document and higher z-index is on top; Vant raises the z-index of each new popup.
  return open.reduce((top, el) => {
    const z = (node: HTMLElement) => Number(getComputedStyle(node.closest('.van-popup') ?? node).zIndex) || 0
    return z(el) >= z(top) ? el : top
  })
}

function syncAriaHidden(el: Element): void {
  if (el.getAttribute('aria-hidden') === 'true') {
    // Content may arrive later (a tab panel filled when its data loads): inert from the start.
    if (!el.hasAttribute('inert')) {
      el.setAttribute('inert', '')
      madeInert.add(el)
    }
  } else if (madeInert.has(el)) {
    el.removeAttribute('inert')
    madeInert.delete(el)
  }
}

export function installVantAccessibility(root: Document = document): void {
  let current: HTMLElement | null = null
  let returnFocus: HTMLElement | null = null

  const update = () => {
    for (const tab of root.querySelectorAll('[role="tab"][aria-controls]')) {
      const target = tab.getAttribute('aria-controls')
      if (target && !root.getElementById(target)) tab.removeAttribute('aria-controls')
    }
    for (const popup of root.querySelectorAll<HTMLElement>('.van-popup[role="dialog"]')) if (shown(popup)) describeDialog(popup)
    const top = topDialog()
    if (top === current) return
    if (top) {
      if (!current) returnFocus = root.activeElement instanceof HTMLElement ? root.activeElement : null
      current = top
      if (!top.contains(root.activeElement)) {
        if (!top.hasAttribute('tabindex')) top.setAttribute('tabindex', '-1')
        top.focus({ preventScroll: true })
      }
    } else {
      current = null
      if (returnFocus?.isConnected) returnFocus.focus({ preventScroll: true })
      returnFocus = null
    }
  }

  // Style changes come in bursts (the video player moves its bars many times a second): one look
  // per frame is enough.
  let scheduled = false
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && record.attributeName === 'aria-hidden') syncAriaHidden(record.target as Element)
      for (const node of record.addedNodes) {
        if (node instanceof Element) for (const el of [node, ...node.querySelectorAll('[aria-hidden="true"]')]) syncAriaHidden(el)
      }
    }
    if (scheduled) return
    scheduled = true
    requestAnimationFrame(() => {
      scheduled = false
      update()
    })
  }).observe(root.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style', 'class', 'aria-hidden'] })

  // Focus that leaves the open dialog (Tab past its last control) is brought back into it.
  root.addEventListener('focusin', (event) => {
    const top = topDialog()
    if (!top || top.contains(event.target as Node)) return
    const focusable = [...top.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(shown)
    ;(focusable[0] ?? top).focus({ preventScroll: true })
  })
}
