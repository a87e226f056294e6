import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, StaffInvoiceListQuerySchema, StaffInvoicePageSchema, StaffInvoiceRetryBodySchema, StaffInvoiceRetrySchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import type { InvoiceDeps } from './invoices.types.ts'
import { listStaffInvoices, retryStaffInvoice } from './staff-invoices.service.ts'

const security = [{ staffBearer: [] }]
const tags = ['staff-console']

/** 发票 in the staff console (mounted at /api/staff/invoices): every staff member reads, 财务 and 管理员 retry. */
const staffInvoiceRoutes: FastifyPluginAsyncTypebox<{ deps: InvoiceDeps }> = async (app, { deps }) => {
  app.get(
    '/',
    { preHandler: app.requireStaff, schema: { tags, summary: '发票列表（按状态、订单号、申请日期筛选，分页）', security, querystring: StaffInvoiceListQuerySchema, response: withErrors({ 200: StaffInvoicePageSchema }) } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return listStaffInvoices(deps, request.query)
    },
  )

  app.post(
    '/:id/retry',
    {
      preHandler: app.requireStaffRole('finance'),
      schema: { tags, summary: '重试开票（同一请求号不会重复开票，记入审计日志）', security, params: IdParamsSchema, body: StaffInvoiceRetryBodySchema, response: withErrors({ 200: StaffInvoiceRetrySchema }) },
    },
    async (request) => retryStaffInvoice(deps, currentStaff(request), request.params.id, request.body.reason),
  )
}
export default staffInvoiceRoutes
