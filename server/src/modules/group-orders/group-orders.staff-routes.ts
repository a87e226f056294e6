import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ConfirmTransferBodySchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { confirmTransfer } from './group-transfer.service.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

const TransferConfirmationSchema = Type.Object(
  {
    outcome: Type.Union([
      Type.Literal('paid'),
      Type.Literal('already_paid'),
      Type.Literal('already_confirmed'),
      Type.Literal('duplicate_payment'),
      Type.Literal('paid_after_close'),
    ]),
    outTradeNo: Type.String(),
    status: Type.String(),
    /** 应退回单位的金额（分）: seats of learners who had bought for themselves, or a duplicate payment. */
    refundDueFen: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)

/** Staff side of 团体购买: confirming a 对公转账 receipt (GRP-3, OPS-5). Staff tokens only; audited. */
const groupOrderStaffRoutes: FastifyPluginAsyncTypebox<{ deps: GroupOrderDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', app.requireStaff)

  app.post(
    '/transfers/confirm',
    {
      schema: {
        tags: ['staff'],
        summary: '确认对公转账到账（按转账附言结算团购订单）',
        security: [{ staffBearer: [] }],
        body: ConfirmTransferBodySchema,
        response: withErrors({ 200: TransferConfirmationSchema }),
      },
    },
    async (request) => confirmTransfer(deps.db, currentStaff(request).id, request.body, deps.now()),
  )
}
export default groupOrderStaffRoutes
