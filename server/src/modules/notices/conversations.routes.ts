import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ConversationDetailSchema,
  ConversationListQuerySchema,
  ConversationListSchema,
  ConversationParamsSchema,
  ConversationReplyBodySchema,
  TestNoticeBodySchema,
  TestNoticeResultSchema,
} from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import type { NoticeKind, NoticesConfig } from './notices.config.ts'
import { conversation, conversations, reply, sendTestNotice, type ConversationDeps } from './notices.service.ts'

/**
 * 在线客服 for staff: conversations learners started in the Official Account, with their account
 * beside (masked), and replies through 客服消息. Staff tokens only; replies are audited.
 */
const conversationRoutes: FastifyPluginAsyncTypebox<{ deps: ConversationDeps & { config: NoticesConfig; publicBaseUrl: string } }> = async (app, { deps }) => {
  app.addHook('preHandler', app.requireStaff)
  const security = [{ staffBearer: [] }]

  app.get(
    '/conversations',
    { schema: { tags: ['staff'], summary: '在线客服会话列表（最近的在前）', security, querystring: ConversationListQuerySchema, response: withErrors({ 200: ConversationListSchema }) } },
    async (request) => ({ conversations: await conversations(deps, { limit: request.query.limit ?? 20, offset: request.query.offset ?? 0 }) }),
  )

  app.get(
    '/conversations/:id',
    { schema: { tags: ['staff'], summary: '一个会话：消息与学员账号（脱敏）', security, params: ConversationParamsSchema, response: withErrors({ 200: ConversationDetailSchema }) } },
    async (request) => conversation(deps, request.params.id),
  )

  app.post(
    '/conversations/:id/reply',
    {
      schema: {
        tags: ['staff'],
        summary: '通过公众号客服消息回复（学员最后一条消息后48小时内）',
        security,
        params: ConversationParamsSchema,
        body: ConversationReplyBodySchema,
        response: withErrors({ 200: ConversationDetailSchema }),
      },
    },
    async (request) => reply(deps, (request.staff as { id: number }).id, request.params.id, request.body.content),
  )

  app.post(
    '/notices/test',
    {
      schema: {
        tags: ['staff'],
        summary: '向自己的 openid 发送一条测试通知（检查模板与渠道配置）',
        security,
        body: TestNoticeBodySchema,
        response: withErrors({ 200: TestNoticeResultSchema }),
      },
    },
    async (request) => sendTestNotice(deps, (request.staff as { id: number }).id, request.body.openid, (request.body.kind ?? 'password_reset') as NoticeKind),
  )
}
export default conversationRoutes
