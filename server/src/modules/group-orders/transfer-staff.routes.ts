import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConfirmTransferBodySchema, TransferConfirmationSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { confirmTransfer } from './group-transfer.service.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

/** Staff side of 团体购买: confirming a 对公转账 receipt (GRP-3, OPS-5). 财务 and 管理员 only; audited. */
const groupOrderStaffRoutes: FastifyPluginAsyncTypebox<{ deps: GroupOrderDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', app.requireStaffRole('finance'))

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
