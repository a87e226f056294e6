import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  IdParamsSchema,
  OutRefundNoParamsSchema,
  StaffGroupLearnerPageSchema,
  StaffGroupOrderPageSchema,
  StaffGroupOrderQuerySchema,
  StaffOrderDetailSchema,
  StaffOrderPageSchema,
  StaffOrderSearchQuerySchema,
  StaffRefundBodySchema,
  TransferQueueQuerySchema,
  TransferQueueSchema,
  ConsolePageQuerySchema,
} from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { exportGroupOrderLearners, groupOrderLearners, searchGroupOrders } from './group-orders.service.ts'
import { orderDetail, refundOrder, searchOrders, syncOrderRefund, type MoneyConsoleDeps } from './orders.service.ts'
import { transferQueue } from './transfers.service.ts'

const security = [{ staffBearer: [] }]
const tags = ['staff-console']
const noStore = { 'cache-control': 'no-store' }
const paging = (q: { page?: number; pageSize?: number }) => ({ page: q.page ?? 1, pageSize: q.pageSize ?? 20 })

/**
 * 订单与退款 (/orders), 对公转账 (/transfers) and 团购订单 (/group-orders) in the staff console
 * (docs/staff.md): every role reads (masked); 财务 and 管理员 refund. Confirming a transfer is the
 * group orders feature's route.
 */
const moneyRoutes: FastifyPluginAsyncTypebox<{ deps: MoneyConsoleDeps }> = async (app, { deps }) => {
  const { db, now } = deps
  const read = app.requireStaff
  const finance = app.requireStaffRole('finance')

  app.get(
    '/orders',
    { preHandler: read, schema: { tags, summary: '查找订单（订单号、学员、日期、状态，分页）', security, querystring: StaffOrderSearchQuerySchema, response: withErrors({ 200: StaffOrderPageSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return searchOrders(db, request.query)
    },
  )

  app.get(
    '/orders/:id',
    { preHandler: read, schema: { tags, summary: '订单详情（支付与退款）', security, params: IdParamsSchema, response: withErrors({ 200: StaffOrderDetailSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return orderDetail(db, request.params.id, now())
    },
  )

  app.post(
    '/orders/:id/refund',
    { preHandler: finance, schema: { tags, summary: '微信支付原路退款（须填写原因，记入审计日志）', security, params: IdParamsSchema, body: StaffRefundBodySchema, response: withErrors({ 200: StaffOrderDetailSchema }) } },
    async (request) => refundOrder(deps, currentStaff(request), request.params.id, request.body.reason),
  )

  app.post(
    '/orders/:id/refunds/:outRefundNo/sync',
    { preHandler: finance, schema: { tags, summary: '刷新退款状态（向微信支付查询）', security, params: OutRefundNoParamsSchema, response: withErrors({ 200: StaffOrderDetailSchema }) } },
    async (request) => syncOrderRefund(deps, currentStaff(request), request.params.id, request.params.outRefundNo),
  )

  app.get(
    '/transfers',
    { preHandler: read, schema: { tags, summary: '待确认的对公转账（最早的在前，分页）', security, querystring: TransferQueueQuerySchema, response: withErrors({ 200: TransferQueueSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return transferQueue(db, paging(request.query))
    },
  )

  app.get(
    '/group-orders',
    { preHandler: read, schema: { tags, summary: '团购订单（订单号、转账附言或单位名称，分页）', security, querystring: StaffGroupOrderQuerySchema, response: withErrors({ 200: StaffGroupOrderPageSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return searchGroupOrders(db, request.query)
    },
  )

  app.get(
    '/group-orders/:id/learners',
    {
      preHandler: read,
      schema: { tags, summary: '团购订单的学员与学习进度（分页）', security, params: IdParamsSchema, querystring: Type.Object(ConsolePageQuerySchema, { additionalProperties: false }), response: withErrors({ 200: StaffGroupLearnerPageSchema }) },
    },
    async (request, reply) => {
      reply.headers(noStore)
      return groupOrderLearners(db, request.params.id, paging(request.query))
    },
  )

  app.get(
    '/group-orders/:id/learners.xlsx',
    { preHandler: read, schema: { tags, summary: '导出团购订单学员名单（.xlsx，身份证号隐去部分数字，记入审计日志）', security, params: IdParamsSchema } },
    async (request, reply) => {
      const file = await exportGroupOrderLearners(db, currentStaff(request), request.params.id, now())
      return reply
        .headers({ ...noStore, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}` })
        .send(file.body)
    },
  )
}
export default moneyRoutes
