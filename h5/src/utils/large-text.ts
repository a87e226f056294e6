/**
 * 「大字模式」 (适老化): the app's own type scale, enlarged on top of whatever text size WeChat or the
 * phone already asks for. Every font size is in rem (build/postcss.ts), so one class on <html>
 * raising the root size enlarges all of it. Remembered per device, not per account: it is about
 * the learner's eyes and this phone, and must already hold on the sign-in page.
 */

const STORAGE_KEY = 'jx.large-text'
export const LARGE_TEXT_CLASS = 'app-large-text'

/** Storage that may be missing or refuse (private mode, a full quota): the setting is then per visit. */
interface SettingStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

function defaultStore(): SettingStore | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

export function largeTextStored(store: SettingStore | null = defaultStore()): boolean {
  try {
    return store?.getItem(STORAGE_KEY) === '1'
  } catch {
    return false
  }
}

/** Applies the mode to the page and remembers it on this device. */
export function setLargeText(on: boolean, root: HTMLElement = document.documentElement, store: SettingStore | null = defaultStore()): void {
  root.classList.toggle(LARGE_TEXT_CLASS, on)
  try {
    store?.setItem(STORAGE_KEY, on ? '1' : '0')
  } catch {
    // Not remembered; the page still shows it for this visit.
  }
}

/** At start-up: the mode this device chose last time. */
export function restoreLargeText(root: HTMLElement = document.documentElement, store: SettingStore | null = defaultStore()): boolean {
  const on = largeTextStored(store)
  root.classList.toggle(LARGE_TEXT_CLASS, on)
  return on
}
