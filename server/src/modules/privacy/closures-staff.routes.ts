import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { StaffCloseAccountBodySchema, StaffCloseAccountParamsSchema, StaffClosureListQuerySchema, StaffClosureListSchema, StaffClosureSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { closeAccountByStaff, closureRecords } from './privacy.service.ts'
import type { PrivacyDeps } from './privacy.types.ts'

const security = [{ staffBearer: [] }]

/** Staff side of 注销账号 (OPS-5): the closure records, and closing a refused one once resolved (audited). */
const privacyStaffRoutes: FastifyPluginAsyncTypebox<{ deps: PrivacyDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', app.requireStaff)

  app.get(
    '/',
    { schema: { tags: ['staff'], summary: '注销账号申请与记录（分页，姓名和手机号脱敏）', security, querystring: StaffClosureListQuerySchema, response: withErrors({ 200: StaffClosureListSchema }) } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const { status, page = 1, pageSize = 20 } = request.query
      return closureRecords(deps.db, { ...(status ? { status } : {}), page, pageSize })
    },
  )

  app.post(
    '/:id/close',
    {
      schema: {
        tags: ['staff'],
        summary: '为被拒绝的注销申请办理注销（原因已处理后）',
        security,
        params: StaffCloseAccountParamsSchema,
        body: StaffCloseAccountBodySchema,
        response: withErrors({ 200: StaffClosureSchema }),
      },
    },
    async (request) => closeAccountByStaff(deps.db, currentStaff(request).id, request.params.id, request.body.note, deps.now()),
  )
}
export default privacyStaffRoutes
