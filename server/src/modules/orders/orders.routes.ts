import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { CreateOrderBodySchema, OrderListSchema, OrderSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { projectTitle } from '../catalogue/catalogue.repository.ts'
import { createIndividualOrder } from './orders.service.ts'
import { listBuyerOrders, toOrderDto } from './orders.repository.ts'

export interface OrderRoutesOptions {
  db: AppDb
  now: () => Date
}

const security = [{ bearer: [] }]

/**
 * 「个人购买」 orders and 我的订单 (PAY-1, PAY-5); every query is scoped to the signed-in buyer.
 * Paying, polling and cancelling an order are the payments module's routes (payments.routes.ts).
 */
const orderRoutes: FastifyPluginAsyncTypebox<OrderRoutesOptions> = async (app, { db, now }) => {
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
}
export default orderRoutes
