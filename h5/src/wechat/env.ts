// Facts about where the H5 runs, read once at startup. OAuth and JS-SDK code (later) build on these.

/** WeChat's in-app browser marks itself with MicroMessenger in the user agent. */
export function detectWechat(userAgent: string): boolean {
  return /MicroMessenger/i.test(userAgent)
}

/**
 * iPhone/iPod, and iPad, whose iPadOS browsers report a Mac user agent but have a touch screen.
 * It matters because WeChat on iOS signs JS-SDK calls against the entry URL, not the current one.
 */
export function detectIOS(userAgent: string, platform = '', maxTouchPoints = 0): boolean {
  return /iPhone|iPad|iPod/i.test(userAgent) || (platform === 'MacIntel' && maxTouchPoints > 1)
}

/** The URL as WeChat signs it: everything before '#'. */
export function withoutHash(href: string): string {
  const hash = href.indexOf('#')
  return hash === -1 ? href : href.slice(0, hash)
}

const hasWindow = typeof window !== 'undefined'
const userAgent = hasWindow ? window.navigator.userAgent : ''

export const isWechat = detectWechat(userAgent)
export const isIOS = hasWindow && detectIOS(userAgent, window.navigator.platform, window.navigator.maxTouchPoints)

/**
 * The URL the learner landed on, captured when this module is first evaluated. main.ts imports this
 * module first, before the router touches history: on iOS WeChat validates JS-SDK signatures
 * against this URL however the SPA changes location afterwards.
 */
const entryUrl = hasWindow ? withoutHash(window.location.href) : ''

export function getEntryUrl(): string {
  return entryUrl
}
