import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { JsSdkConfigQuerySchema, JsSdkConfigSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { signPageForJsSdk } from './jssdk.service.ts'

export interface JsSdkRoutesOptions {
  db: AppDb
  wechat: WechatSettings
  allowedOrigins: string[]
  simulator: boolean
}

/**
 * wx.config signature for a page of ours (WX-1). The H5 sends the entry URL on iOS and the current
 * URL elsewhere, '#' stripped (docs/wechat-protocol.md §2.6).
 */
const jssdkRoutes: FastifyPluginAsyncTypebox<JsSdkRoutesOptions> = async (app, { db, wechat, allowedOrigins, simulator }) => {
  app.get(
    '/jssdk-config',
    { schema: { tags: ['wechat'], summary: 'JS-SDK wx.config 签名', querystring: JsSdkConfigQuerySchema, response: withErrors({ 200: JsSdkConfigSchema }) } },
    async (request, reply) => {
      const config = await signPageForJsSdk({ db, wechat, allowedOrigins, log: request.log }, request.query.url)
      reply.header('cache-control', 'no-store')
      return { ...config, simulator }
    },
  )
}
export default jssdkRoutes
