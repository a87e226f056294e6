import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, OrderSchema, PayOrderResultSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { toOrderDto, type OrderRow } from '../orders/orders.repository.ts'
import { cancelBuyerOrder, preparePayment, refreshBuyerOrder, type PaymentDeps } from './payments.service.ts'

export interface PaymentRoutesOptions {
  deps: PaymentDeps
  simulator: boolean
  now: () => Date
}

const security = [{ bearer: [] }]

/** An order as the buyer sees it, from a lookup that found it with its project's title. */
const orderAnswer = (found: { order: OrderRow; projectTitle: string }) => toOrderDto(found.order, found.projectTitle)

/**
 * The buyer's side of paying an order (PAY-2, PAY-4, PAY-5), registered under /orders: pay,
 * poll after the WeChat cashier returns, cancel. Every lookup is scoped to the signed-in buyer.
 */
const paymentRoutes: FastifyPluginAsyncTypebox<PaymentRoutesOptions> = async (app, { deps, simulator, now }) => {
  app.addHook('preHandler', app.authenticate)

  app.get(
    '/:id',
    { schema: { tags: ['orders'], summary: '订单状态（待支付的订单会向微信支付查询）', security, params: IdParamsSchema, response: withErrors({ 200: OrderSchema }) } },
    async (request) => orderAnswer(await refreshBuyerOrder(deps, request.user.uid, request.params.id, now())),
  )

  app.post(
    '/:id/pay',
    { schema: { tags: ['orders'], summary: '发起微信支付（JSAPI）', security, params: IdParamsSchema, response: withErrors({ 200: PayOrderResultSchema }) } },
    async (request) => {
      const prepared = await preparePayment(deps, request.user.uid, request.params.id, now())
      return { order: orderAnswer(prepared), payParams: prepared.payParams, simulator }
    },
  )

  app.post(
    '/:id/cancel',
    { schema: { tags: ['orders'], summary: '取消订单', security, params: IdParamsSchema, response: withErrors({ 200: OrderSchema }) } },
    async (request) => orderAnswer(await cancelBuyerOrder(deps, request.user.uid, request.params.id, now())),
  )
}
export default paymentRoutes
