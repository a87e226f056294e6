import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorCode, HealthSchema } from '@app/shared'
import { withErrors } from '../../route-schemas.ts'
import { sendError } from '../../plugins/error-handler.ts'

export interface HealthOptions {
  ping(): Promise<boolean>
  database: 'pglite' | 'postgres'
  wechat: 'simulator' | 'live'
  version: string
}

/** GET /api/health: 200 only when the database answers, so a load balancer can rely on it. */
const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, opts) => {
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: '健康检查', response: withErrors({ 200: HealthSchema }) } },
    async (request, reply) => {
      if (!(await opts.ping())) {
        return sendError(request, reply, 503, ErrorCode.SERVICE_UNAVAILABLE, '数据库暂时无法访问')
      }
      return { status: 'ok' as const, database: opts.database, wechat: opts.wechat, version: opts.version }
    },
  )
}
export default healthRoutes
