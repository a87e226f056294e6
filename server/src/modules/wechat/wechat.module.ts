import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import jssdkRoutes from './jssdk.routes.ts'

export interface WechatModuleOptions {
  ctx: AppContext
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
}

/** Origins whose pages may get a JS-SDK signature: ours (and its loopback twin in simulator mode). */
function jssdkOrigins(publicBaseUrl: string, simulator: boolean): string[] {
  const origin = new URL(publicBaseUrl)
  const origins = [origin.origin]
  if (simulator && (origin.hostname === 'localhost' || origin.hostname === '127.0.0.1')) {
    const twin = new URL(origin.origin)
    twin.hostname = origin.hostname === 'localhost' ? '127.0.0.1' : 'localhost'
    origins.push(twin.origin)
  }
  return origins
}

/** The WeChat JS-SDK signature for our pages (mounted at /api/wechat). */
const wechatModule: FeatureModule<WechatModuleOptions> = async (app, { ctx, wechatMode, wechat }) => {
  const simulator = wechatMode === 'simulator'
  await app.register(jssdkRoutes, { db: ctx.db, wechat, allowedOrigins: jssdkOrigins(ctx.publicBaseUrl, simulator), simulator })
}

export default wechatModule
