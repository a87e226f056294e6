import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import type { SmsSender } from './auth.public.ts'
import authRoutes from './auth.routes.ts'
import type { AuthDeps } from './auth.service.ts'
import devRoutes from './dev-sms-outbox.routes.ts'
import meRoutes from './me.routes.ts'
import wechatOauthRoutes from './wechat-oauth.routes.ts'

export interface AuthModuleOptions {
  ctx: AppContext
  /** Sends the codes (createSmsSender in auth.public.ts; the composition shares it with bulk registration). */
  sms: SmsSender
  wechat: WechatSettings
  /** Whether the user holds a certificate (the certificates feature answers): name and ID number are then locked (ACC-6). */
  hasCertificate(userId: number): Promise<boolean>
}

/** 注册 / 登录 / 我的: accounts, sessions, SMS codes, WeChat sign-in (mounted at /api). */
const authModule: FeatureModule<AuthModuleOptions> = async (app, { ctx, sms, wechat, hasCertificate }) => {
  const smsHashKey = ctx.deriveKey('sms-code')
  const auth: AuthDeps = { db: ctx.db, smsHashKey, hasCertificate }
  const cookies = { secure: ctx.publicBaseUrl.startsWith('https://') }
  await app.register(authRoutes, { prefix: '/auth', auth, sms: sms.provider, cookies, wechatAppId: wechat.appId, now: ctx.now })
  await app.register(wechatOauthRoutes, { prefix: '/auth', db: ctx.db, wechat, publicBaseUrl: ctx.publicBaseUrl, cookies, now: ctx.now })
  await app.register(meRoutes, { prefix: '/me', auth, now: ctx.now })
  // The outbox route exists only while no real SMS provider is configured.
  if (sms.outbox) await app.register(devRoutes, { prefix: '/dev', db: ctx.db, smsHashKey, now: ctx.now })
}

export default authModule
