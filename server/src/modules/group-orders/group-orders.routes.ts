import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { GroupCheckBodySchema, GroupCheckResultSchema, GroupOrderLearnerPageSchema, GroupOrderListSchema, GroupOrderNoticeSchema, GroupOrderSchema, IdParamsSchema, IdSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { submitGroupList } from './group-check.service.ts'
import { groupOrderDetail, groupOrderLearners, groupOrderNotice, listGroupOrders } from './group-orders.service.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

const security = [{ bearer: [] }]

/** 团体购买 and 团购订单 for the signed-in buyer (GRP-1 … GRP-4); payment uses /api/orders/:id/pay. */
const groupOrderRoutes: FastifyPluginAsyncTypebox<{ deps: GroupOrderDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', app.authenticate)

  app.post(
    '/',
    {
      // 5,000 lines of pasted text with room for stray characters.
      bodyLimit: 512 * 1024,
      schema: {
        tags: ['group-orders'],
        summary: '团体购买：检查身份证号码并提交订单（全部通过才创建）',
        security,
        body: GroupCheckBodySchema,
        response: withErrors({ 200: GroupCheckResultSchema, 201: GroupCheckResultSchema }),
      },
    },
    async (request, reply) => {
      const result = await submitGroupList(deps, { buyerUserId: request.user.uid, clientAddress: request.ip }, request.body, deps.now())
      reply.code(result.outcome === 'created' ? 201 : 200).header('cache-control', 'no-store')
      return result
    },
  )

  app.get(
    '/',
    { schema: { tags: ['group-orders'], summary: '团购订单', security, response: withErrors({ 200: GroupOrderListSchema }) } },
    async (request) => ({ groupOrders: await listGroupOrders(deps, request.user.uid) }),
  )

  app.get(
    '/notice',
    {
      schema: {
        tags: ['group-orders'],
        summary: '学员本人：是否有单位的团购订单（待支付）包含本人（不透露下单人）',
        security,
        querystring: Type.Object({ projectId: IdSchema }, { additionalProperties: false }),
        response: withErrors({ 200: GroupOrderNoticeSchema }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return groupOrderNotice(deps, request.user.uid, request.query.projectId, deps.now())
    },
  )

  app.get(
    '/:id',
    { schema: { tags: ['group-orders'], summary: '团购订单详情（待支付的订单先剔除已自行购买的学员并重新计价）', security, params: IdParamsSchema, response: withErrors({ 200: GroupOrderSchema }) } },
    async (request) => groupOrderDetail(deps, request.user.uid, request.params.id, deps.now()),
  )

  app.get(
    '/:id/learners',
    {
      schema: {
        tags: ['group-orders'],
        summary: '团购订单的学员名单与计划完成度（支付前仅显示脱敏姓名）',
        security,
        params: IdParamsSchema,
        querystring: Type.Object(
          { page: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 50 }) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: GroupOrderLearnerPageSchema }),
      },
    },
    async (request) => groupOrderLearners(deps, request.user.uid, request.params.id, request.query.page, request.query.pageSize, deps.now()),
  )
}
export default groupOrderRoutes
