import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import type { TencentSmsConfig } from '../auth/auth.config.ts'
import goLiveRoutes from './golive.routes.ts'

export interface GoLiveModuleOptions {
  ctx: AppContext
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  /** The operator files folder (WeChat's domain verification file), null when not configured. */
  siteFilesDir: string | null
  /** The SMS credentials the check tries, null when none are configured. */
  sms: TencentSmsConfig | null
}

/** 上线检查: the go-live check's staff API (mounted at /api/staff). */
const goLiveModule: FeatureModule<GoLiveModuleOptions> = async (app, { ctx, wechatMode, wechat, siteFilesDir, sms }) => {
  await app.register(goLiveRoutes, {
    deps: { db: ctx.db, now: ctx.now, wechatMode, wechat, publicBaseUrl: ctx.publicBaseUrl, siteFilesDir, sms },
  })
}

export default goLiveModule
