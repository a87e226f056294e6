import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditLogPageSchema, AuditLogQuerySchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { auditLog } from './audit-log.service.ts'

/**
 * 审计日志 (admins): every staff action, filtered by staff member, action, target and time. Reading
 * the log is not an action and is not recorded.
 */
const auditLogRoutes: FastifyPluginAsyncTypebox<{ db: AppDb }> = async (app, { db }) => {
  app.get(
    '/',
    {
      preHandler: app.requireStaffRole('admin'),
      schema: { tags: ['staff-console'], summary: '审计日志（按工作人员、操作、对象和时间筛选，分页）', security: [{ staffBearer: [] }], querystring: AuditLogQuerySchema, response: withErrors({ 200: AuditLogPageSchema }) },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return auditLog(db, request.query)
    },
  )
}
export default auditLogRoutes
