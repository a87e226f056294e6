import type { AppDb } from '../../db/client.ts'
import { JsSdkUrlNotAllowedError } from '../../integrations/wechat/errors.ts'
import { buildJsSdkConfig, type JsSdkConfig } from '../../integrations/wechat/jssdk.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { JsSdkUrlNotAllowedApiError, WechatUnavailableError } from './wechat.errors.ts'

export interface JsSdkDeps {
  db: AppDb
  wechat: WechatSettings
  /** Origins whose pages may be signed: ours only, never an arbitrary host. */
  allowedOrigins: string[]
  log: { warn(obj: object, msg?: string): void }
}

/**
 * The wx.config signature for a page of ours (WX-1). A page of another origin is refused (400); a
 * WeChat failure (token or ticket unavailable) is logged by its class only and answered 503.
 */
export async function signPageForJsSdk(deps: JsSdkDeps, url: string): Promise<JsSdkConfig> {
  try {
    return await buildJsSdkConfig(deps.db, deps.wechat, url, deps.allowedOrigins)
  } catch (error) {
    if (error instanceof JsSdkUrlNotAllowedError) throw new JsSdkUrlNotAllowedApiError()
    deps.log.warn({ err: { type: (error as Error).name } }, 'JS-SDK signature unavailable')
    throw new WechatUnavailableError()
  }
}
