import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { TencentSmsConfig } from '../auth/auth.config.ts'
import type { AppDb } from '../../db/client.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { recordStaffAction, currentStaff } from '../staff/staff.public.ts'
import { runGoLiveCheck } from './golive.service.ts'

export interface GoLiveRouteDeps {
  db: AppDb
  now: () => Date
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  publicBaseUrl: string
  siteFilesDir: string | null
  sms: TencentSmsConfig | null
}

const BilingualSchema = Type.Object({ zh: Type.String(), en: Type.String() })
const GoLiveReportSchema = Type.Object({
  ok: Type.Boolean(),
  mode: Type.Union([Type.Literal('simulator'), Type.Literal('live')]),
  publicBaseUrl: Type.String(),
  checkedAt: Type.String(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      verdict: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail'), Type.Literal('skip')]),
      title: BilingualSchema,
      detail: BilingualSchema,
      fix: Type.Union([BilingualSchema, Type.Null()]),
    }),
  ),
})

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
      const report = await runGoLiveCheck({ mode: input.wechatMode, wechat: input.wechat, publicBaseUrl: input.publicBaseUrl, siteFilesDir: input.siteFilesDir, sms: input.sms })
      const failed = report.items.filter((item) => item.verdict === 'fail').map((item) => item.id)
      await recordStaffAction(db, { staffId: currentStaff(request).id, action: 'golive.check', target: 'golive', detail: { ok: report.ok, failed } }, now())
      return report
    },
  )
}
export default goLiveRoutes
