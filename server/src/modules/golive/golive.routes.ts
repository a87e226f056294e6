import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TencentSmsConfig } from '../auth/auth.config.ts'
import type { AppDb } from '../../db/client.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { GoLiveReportSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { runAuditedGoLiveCheck } from './golive.service.ts'
import type { NoticesConfig } from '../notices/notices.config.ts'

export interface GoLiveRouteDeps {
  db: AppDb
  now: () => Date
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  publicBaseUrl: string
  siteFilesDir: string | null
  sms: TencentSmsConfig | null
  notices?: NoticesConfig
}

/**
 * The go-live check as a staff API (OPS-6, docs/go-live.md), for operators without a shell on the server. Admin
 * staff only; charges nobody; every run is audited. The same check as `pnpm golive-check`.
 */
const goLiveRoutes: FastifyPluginAsyncTypebox<{ deps: GoLiveRouteDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', app.requireStaffRole('admin'))

  app.post(
    '/golive-check',
    {
      schema: {
        tags: ['staff'],
        summary: '上线检查：公众号、微信支付与短信配置（不扣款）',
        security: [{ staffBearer: [] }],
        response: withErrors({ 200: GoLiveReportSchema }),
      },
    },
    async (request) => {
      const { db, now, ...input } = deps
      const check = { mode: input.wechatMode, wechat: input.wechat, publicBaseUrl: input.publicBaseUrl, siteFilesDir: input.siteFilesDir, sms: input.sms, ...(input.notices ? { notices: input.notices } : {}) }
      return runAuditedGoLiveCheck(db, currentStaff(request).id, check, now)
    },
  )
}
export default goLiveRoutes
