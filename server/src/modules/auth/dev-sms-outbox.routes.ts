import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DevSmsOutboxQuerySchema, DevSmsOutboxSchema, normalisePhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../route-schemas.ts'
import { readDevOutbox } from './dev-sms-outbox.repository.ts'

/** Development only (no SMS provider configured): read the codes that would have been texted. */
const devRoutes: FastifyPluginAsyncTypebox<{ db: AppDb }> = async (app, { db }) => {
  app.get(
    '/sms-outbox',
    {
      schema: {
        tags: ['development'],
        summary: '开发环境短信发件箱（未配置短信服务商时）',
        querystring: DevSmsOutboxQuerySchema,
        response: withErrors({ 200: DevSmsOutboxSchema }),
      },
    },
    async (request) => {
      const rows = await readDevOutbox(db, normalisePhone(request.query.phone))
      return { messages: rows.map((r) => ({ ...r, sentAt: r.sentAt.toISOString() })) }
    },
  )
}
export default devRoutes
