import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { JsSdkConfigQuerySchema, JsSdkConfigSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { JsSdkUrlNotAllowedError } from '../../integrations/wechat/errors.ts'
import { buildJsSdkConfig } from '../../integrations/wechat/jssdk.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { withErrors } from '../../route-schemas.ts'
import { JsSdkUrlNotAllowedApiError, WechatUnavailableError } from './wechat.errors.ts'

export interface JsSdkRoutesOptions {
  db: AppDb
  wechat: WechatSettings
  allowedOrigins: string[]
  simulator: boolean
}

/**
 * wx.config signature for a page of ours (WX-1). The H5 sends the entry URL on iOS and the current
 * URL elsewhere, '#' stripped; pages of other hosts are never signed.
 */
const jssdkRoutes: FastifyPluginAsyncTypebox<JsSdkRoutesOptions> = async (app, opts) => {
  app.get(
    '/jssdk-config',
    { schema: { tags: ['wechat'], summary: 'JS-SDK wx.config 签名', querystring: JsSdkConfigQuerySchema, response: withErrors({ 200: JsSdkConfigSchema }) } },
    async (request, reply) => {
      try {
        const config = await buildJsSdkConfig(opts.db, opts.wechat, request.query.url, opts.allowedOrigins)
        reply.header('cache-control', 'no-store')
        return { ...config, simulator: opts.simulator }
      } catch (error) {
        if (error instanceof JsSdkUrlNotAllowedError) throw new JsSdkUrlNotAllowedApiError()
        request.log.warn({ err: { type: (error as Error).name } }, 'JS-SDK signature unavailable')
        throw new WechatUnavailableError()
      }
    },
  )
}
export default jssdkRoutes
