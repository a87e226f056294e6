import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorCode, HealthSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { sendError } from '../../plugins/error-handler.ts'
import { readiness } from './health.service.ts'

export interface HealthOptions {
  ping(): Promise<boolean>
  pendingMigrations(): Promise<number>
  /** True once the server started shutting down: readiness fails so the proxy stops sending. */
  draining(): boolean
  database: 'pglite' | 'postgres'
  wechat: 'simulator' | 'live'
  version: string
}

const LiveSchema = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false })
const ReadySchema = Type.Object({ status: Type.Literal('ready') }, { additionalProperties: false })

/**
 * GET /api/health: 200 only when the database answers (kept for existing checks).
 * GET /api/health/live: the process answers (restart it when this fails); never touches the database.
 * GET /api/health/ready: send it traffic — the database answers, no migration is pending and the
 * instance is not shutting down; else 503 SERVICE_UNAVAILABLE with the reason.
 */
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
  app.get(
    '/health/live',
    { schema: { tags: ['health'], summary: '存活检查', response: { 200: LiveSchema } } },
    async () => ({ status: 'ok' as const }),
  )
  app.get(
    '/health/ready',
    { schema: { tags: ['health'], summary: '就绪检查', response: withErrors({ 200: ReadySchema }) } },
    async (request, reply) => {
      const problem = await readiness(opts)
      if (problem) return sendError(request, reply, 503, ErrorCode.SERVICE_UNAVAILABLE, problem)
      return { status: 'ready' as const }
    },
  )
}
export default healthRoutes
