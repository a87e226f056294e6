import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core'

/** System Chromium (apt package); tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** WeChat 8 on an iPhone: the H5's main audience, and the UA the WeChat detection keys on. */
export const WECHAT_IOS_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN'

/** Chrome on Android outside WeChat: the H5 must work there for sign-in and learning (WX-3). */
export const MOBILE_CHROME_USER_AGENT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'

/** The sessionStorage flag of src/wechat/oauth.ts that says this tab has been through WeChat OAuth. */
const WECHAT_OAUTH_ATTEMPTED_KEY = 'jx.wechat-oauth-attempted'

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS })
}

/** True for URLs served by this machine; everything else is blocked so tests never touch the internet. */
export function isLocalUrl(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url)
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true
    return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
  } catch {
    return false
  }
}

export interface WechatContext {
  context: BrowserContext
  /** URLs the page tried to load from other hosts (aborted); a test can assert it stays empty. */
  blockedUrls: string[]
  /**
   * Content-Security-Policy violations seen by any page of the context, and pages served without
   * a CSP. Closing the context throws when this is not empty, so every journey fails on one.
   */
  cspViolations: string[]
  /** Uncaught script errors of every page of the context; a journey asserts it stays empty. */
  pageErrors: string[]
}

/** The name under which pages report `securitypolicyviolation` events to the test. */
const CSP_BINDING = '__e2eReportCspViolation'

/**
 * Records CSP violations two ways: the DOM event (with the directive and what was blocked) and
 * Chromium's console error (which also covers violations the event does not reach, e.g. in
 * workers); and every page document served from our origin without a CSP header.
 */
async function watchContentSecurityPolicy(context: BrowserContext, violations: string[]): Promise<void> {
  await context.exposeBinding(CSP_BINDING, (_source, report: string) => {
    violations.push(report)
  })
  await context.addInitScript((binding: string) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as Record<string, (text: string) => void>)[binding]
      report?.(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} on ${event.documentURI}`)
    })
  }, CSP_BINDING)
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text())
  })
  context.on('response', (response) => {
    const request = response.request()
    if (request.resourceType() !== 'document' || !isLocalUrl(response.url()) || response.status() >= 300) return
    if (!response.headers()['content-security-policy']) violations.push(`no Content-Security-Policy on ${response.url()}`)
  })
}

/**
 * A 375×812 phone at 2× with touch and the WeChat iOS user agent, in zh-CN, where every request to a
 * host other than localhost is aborted and recorded, and any CSP violation fails the journey.
 */
export async function newWechatContext(browser: Browser, options: BrowserContextOptions = {}): Promise<WechatContext> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_IOS_USER_AGENT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...options,
  })
  const blockedUrls: string[] = []
  const cspViolations: string[] = []
  const pageErrors: string[] = []
  await watchContentSecurityPolicy(context, cspViolations)
  context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error.message)))
  const close = context.close.bind(context)
  context.close = async (...args: Parameters<BrowserContext['close']>) => {
    await close(...args)
    if (cspViolations.length > 0) throw new Error(`Content-Security-Policy violations:\n${cspViolations.join('\n')}`)
  }
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (isLocalUrl(url)) {
      await route.continue()
    } else {
      blockedUrls.push(url)
      await route.abort('blockedbyclient')
    }
  })
  return { context, blockedUrls, cspViolations, pageErrors }
}

/** A journey file's browser and its one WeChat context (see newWechatContext). */
export interface Journey extends WechatContext {
  browser: Browser
  /** Closes the context (failing on a CSP violation) and the browser. */
  close(): Promise<void>
}

export async function startJourney(options: BrowserContextOptions = {}): Promise<Journey> {
  const browser = await launchBrowser()
  try {
    const wechat = await newWechatContext(browser, options)
    return {
      browser,
      ...wechat,
      async close() {
        try {
          await wechat.context.close()
        } finally {
          await browser.close()
        }
      },
    }
  } catch (error) {
    await browser.close()
    throw error
  }
}

/**
 * Makes every page of the context behave as a tab that has already been through WeChat OAuth, for
 * tests about other pages that open the H5 in the WeChat UA without a session.
 */
export async function skipWechatOauth(context: BrowserContext): Promise<void> {
  await context.addInitScript((key: string) => {
    // about:blank (a new page before its first navigation, a PDF popup) has no storage to set.
    if (window.location.protocol === 'about:') return
    window.sessionStorage.setItem(key, '1')
  }, WECHAT_OAUTH_ATTEMPTED_KEY)
}
