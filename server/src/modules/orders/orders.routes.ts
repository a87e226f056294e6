import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { CreateOrderBodySchema, IdParamsSchema, OrderListSchema, OrderSchema, PayOrderResultSchema } from '@app/shared'
import { withErrors } from '../../route-schemas.ts'
import { cancelBuyerOrder, preparePayment, projectTitle, refreshBuyerOrder, type PaymentDeps } from '../payments/payments.service.ts'
import { createIndividualOrder } from './orders.service.ts'
import { listBuyerOrders, toOrderDto } from './orders.repository.ts'

export interface OrderRoutesOptions {
  payments: PaymentDeps
  simulator: boolean
  now: () => Date
}

const security = [{ bearer: [] }]

/** 「个人购买」 orders and 我的订单 (PAY-1, PAY-5); every query is scoped to the signed-in buyer. */
const orderRoutes: FastifyPluginAsyncTypebox<OrderRoutesOptions> = async (app, { payments, simulator, now }) => {
  const { db } = payments
  app.addHook('preHandler', app.authenticate)

  app.get(
    '/',
    {
      schema: {
        tags: ['orders'],
        summary: '我的订单',
        security,
        querystring: Type.Object({ kind: Type.Optional(Type.Union([Type.Literal('individual'), Type.Literal('group')])) }, { additionalProperties: false }),
        response: withErrors({ 200: OrderListSchema }),
      },
    },
    async (request) => {
      const rows = await listBuyerOrders(db, request.user.uid, request.query.kind)
      return { orders: rows.map((r) => toOrderDto(r.order, r.projectTitle)) }
    },
  )

  app.post(
    '/',
    { schema: { tags: ['orders'], summary: '提交订单（个人购买）', security, body: CreateOrderBodySchema, response: withErrors({ 201: OrderSchema }) } },
    async (request, reply) => {
      const order = await createIndividualOrder(db, request.user.uid, request.body, now())
      reply.code(201)
      return toOrderDto(order, await projectTitle(db, order.projectId))
    },
  )

  app.get(
    '/:id',
    { schema: { tags: ['orders'], summary: '订单状态（待支付的订单会向微信支付查询）', security, params: IdParamsSchema, response: withErrors({ 200: OrderSchema }) } },
    async (request) => {
      const found = await refreshBuyerOrder(payments, request.user.uid, request.params.id, now())
      return toOrderDto(found.order, found.projectTitle)
    },
  )

  app.post(
    '/:id/pay',
    { schema: { tags: ['orders'], summary: '发起微信支付（JSAPI）', security, params: IdParamsSchema, response: withErrors({ 200: PayOrderResultSchema }) } },
    async (request) => {
      const prepared = await preparePayment(payments, request.user.uid, request.params.id, now())
      return { order: toOrderDto(prepared.order, prepared.projectTitle), payParams: prepared.payParams, simulator }
    },
  )

  app.post(
    '/:id/cancel',
    { schema: { tags: ['orders'], summary: '取消订单', security, params: IdParamsSchema, response: withErrors({ 200: OrderSchema }) } },
    async (request) => {
      const found = await cancelBuyerOrder(payments, request.user.uid, request.params.id, now())
      return toOrderDto(found.order, found.projectTitle)
    },
  )
}
export default orderRoutes
