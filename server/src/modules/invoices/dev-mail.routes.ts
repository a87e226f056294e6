import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DevMailOutboxQuerySchema, DevMailOutboxSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { readDevMailOutbox } from '../../integrations/mail/dev-outbox.ts'
import { withErrors } from '../../core/route-schemas.ts'

/** Development only (no mail service configured): read the e-mails that would have been sent. */
const devMailRoutes: FastifyPluginAsyncTypebox<{ db: AppDb }> = async (app, { db }) => {
  app.get(
    '/mail-outbox',
    { schema: { tags: ['development'], summary: '开发环境邮件发件箱（未配置邮件服务时）', querystring: DevMailOutboxQuerySchema, response: withErrors({ 200: DevMailOutboxSchema }) } },
    async (request) => {
      const rows = await readDevMailOutbox(db, request.query.to.trim())
      return { messages: rows.map((r) => ({ ...r, sentAt: r.sentAt.toISOString() })) }
    },
  )
}
export default devMailRoutes
