import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DevSmsOutboxQuerySchema, DevSmsOutboxSchema, normalisePhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { readOutbox } from './dev-sms-outbox.service.ts'

/**
 * Development only (no SMS provider configured): read the codes that would have been texted,
 * newest first, the one the server accepts now marked 「当前有效」 and listed first under `current`.
 */
const devRoutes: FastifyPluginAsyncTypebox<{ db: AppDb; smsHashKey: string; now: () => Date }> = async (app, { db, smsHashKey, now }) => {
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
    async (request) => readOutbox({ db, smsHashKey }, normalisePhone(request.query.phone), now()),
  )
}
export default devRoutes
