// JS-SDK wx.config for pages that use it (WX-1): today the pay pages, later sharing and menus.
// @see https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
// weixin-js-sdk is loaded with a dynamic import, so it is never part of the entry chunk, and only
// inside WeChat against the real WeChat (in simulator mode the page never needs it).
import type { JsSdkConfig } from '@app/shared/orders'
import { fetchJssdkConfig } from '@/api/wechat.ts'
import { getEntryUrl, isIOS, withoutHash } from './env.ts'

/** The JS APIs our pages ask for; a page may call only what was listed in its wx.config. */
export const JS_API_LIST = ['chooseWXPay', 'chooseInvoiceTitle', 'hideMenuItems', 'updateAppMessageShareData', 'updateTimelineShareData'] as const

/** No answer from wx.config within this time (no bridge, say) counts as a failure. */
const CONFIG_TIMEOUT_MS = 10_000

/** The part of `wx` (weixin-js-sdk) this app uses. */
export interface WxApi {
  config(options: {
    debug?: boolean
    appId: string
    timestamp: number
    nonceStr: string
    signature: string
    jsApiList: string[]
    openTagList?: string[]
  }): void
  ready(callback: () => void): void
  error(callback: (result: { errMsg: string }) => void): void
  chooseWXPay(options: {
    timestamp: string
    nonceStr: string
    package: string
    signType: string
    paySign: string
    success?: (result: { errMsg?: string }) => void
    cancel?: (result: { errMsg?: string }) => void
    fail?: (result: { errMsg?: string }) => void
  }): void
  /** 「从微信选择抬头」: the learner's saved invoice titles (scene "1": 开票). */
  chooseInvoiceTitle(options: {
    scene: string
    success?: (result: { errMsg?: string; choose_invoice_title_info?: unknown }) => void
    cancel?: (result: { errMsg?: string }) => void
    fail?: (result: { errMsg?: string }) => void
  }): void
}

export class JssdkConfigError extends Error {
  override readonly name = 'JssdkConfigError'
  /** WeChat's errMsg, e.g. "config:fail, invalid signature" (docs/wechat-protocol.md §2.6). */
  readonly errMsg: string
  constructor(errMsg: string) {
    super(`wx.config failed: ${errMsg}`)
    this.errMsg = errMsg
  }
}

export interface SignUrlInput {
  ios: boolean
  /** location.href when the app started (wechat/env.ts). */
  entryUrl: string
  /** location.href now. */
  currentUrl: string
}

/**
 * The URLs to ask the server to sign, in the order to try them, '#' and what follows stripped.
 * iOS WeChat validates the signature against the URL the learner landed on (a history-mode SPA
 * changes location without WeChat noticing); Android against the current one. Some client versions
 * behave otherwise, so the other URL comes second, tried once after "invalid signature".
 */
export function urlsToSign({ ios, entryUrl, currentUrl }: SignUrlInput): string[] {
  const entry = withoutHash(entryUrl)
  const current = withoutHash(currentUrl)
  const ordered = ios ? [entry, current] : [current, entry]
  return ordered.filter((url, index) => url !== '' && ordered.indexOf(url) === index)
}

/** Whether wx.error's message says the signature (rather than the domain or the client) was wrong. */
export function isInvalidSignature(errMsg: string): boolean {
  return /invalid signature/i.test(errMsg)
}

let wxModule: Promise<WxApi> | undefined

/** Loads weixin-js-sdk once, on first use. */
export function loadWx(): Promise<WxApi> {
  wxModule ??= import('weixin-js-sdk').then((module) => {
    // The package is CommonJS; depending on interop the API is the default export or the module.
    const candidate: unknown = (module as { default?: unknown }).default ?? module
    return candidate as WxApi
  })
  return wxModule
}

/** Runs wx.config and settles on wx.ready (resolved) or wx.error (rejected with JssdkConfigError). */
function applyConfig(wx: WxApi, config: JsSdkConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false
    const settle = (error?: JssdkConfigError) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve()
    }
    const timer = setTimeout(() => settle(new JssdkConfigError('config:timeout')), CONFIG_TIMEOUT_MS)
    // WeChat calls the error handler before the ready callbacks when verification fails, and calls
    // ready in both cases: settling ready a tick later lets an error win. After a first successful
    // config, jweixin calls ready at once for later ones; a re-config that then fails still reaches
    // the error handler, and the cashier call itself fails (mapped to 'fail'; the order is polled).
    wx.error((result) => settle(new JssdkConfigError(result.errMsg)))
    wx.config({
      appId: config.appId,
      timestamp: config.timestamp,
      nonceStr: config.nonceStr,
      signature: config.signature,
      jsApiList: [...JS_API_LIST],
      // 订阅通知's popup after buying (components/ReminderSubscribe.vue).
      openTagList: ['wx-open-subscribe'],
    })
    wx.ready(() => setTimeout(() => settle(), 0))
  })
}

/** How the page talks to WeChat after prepareJssdk: the real JS-SDK, or the simulator's stand-in. */
export type JssdkMode = { kind: 'wechat'; wx: WxApi } | { kind: 'simulator' }

let configured: { url: string; mode: Promise<JssdkMode> } | undefined

async function configure(urls: string[]): Promise<JssdkMode> {
  let lastError: unknown = new JssdkConfigError('config:fail, no url to sign')
  for (const [index, url] of urls.entries()) {
    const config = await fetchJssdkConfig(url)
    // The simulator's jsapi_ticket means nothing to a real WeChat client: use the stand-in bridge.
    if (config.simulator) return { kind: 'simulator' }
    const wx = await loadWx()
    try {
      await applyConfig(wx, config)
      return { kind: 'wechat', wx }
    } catch (error) {
      lastError = error
      const retry = index < urls.length - 1 && error instanceof JssdkConfigError && isInvalidSignature(error.errMsg)
      if (!retry) break
    }
  }
  throw lastError
}

/**
 * Signs and configures the JS-SDK for the page now shown. Call it on every page that pays (after
 * each navigation: WeChat binds a config to a URL); a second call for the same URL reuses the first
 * unless that one failed. Rejects with ApiError (signing) or JssdkConfigError (wx.config).
 */
export function prepareJssdk(): Promise<JssdkMode> {
  const urls = urlsToSign({ ios: isIOS, entryUrl: getEntryUrl(), currentUrl: window.location.href })
  const key = urls[0] ?? ''
  if (configured?.url === key) return configured.mode
  const mode = configure(urls)
  configured = { url: key, mode }
  mode.catch(() => {
    // A failed config is not kept: the next call (「继续支付」, say) signs afresh.
    if (configured?.mode === mode) configured = undefined
  })
  return mode
}
