import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { BulkRegistrationRunListQuerySchema, BulkRegistrationRunPageSchema, BulkResultSheetBodySchema, maskIdNumber, maskPhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { BinarySchema, withErrors } from '../../core/route-schemas.ts'
import { listRuns } from './bulk-registration.repository.ts'
import { writeResultSheet, writeTemplateSheet } from './result-sheet.view.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const security = [{ staffBearer: [] }]
const tags = ['staff-console']

/** A download's headers: the file name in UTF-8 (RFC 5987) with an ASCII fallback, never cached. */
function attachment(name: string, fallback: string) {
  return { 'content-type': XLSX, 'content-disposition': `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`, 'cache-control': 'no-store' }
}

/**
 * 批量注册 in the console (docs/staff.md): earlier runs, the 附件2 template and the result sheet of
 * an upload. The upload itself is `POST /bulk-registrations` (bulk-registration.routes.ts).
 */
const bulkRegistrationConsoleRoutes: FastifyPluginAsyncTypebox<{ db: AppDb }> = async (app, { db }) => {
  const read = app.requireStaffRole('operator')

  app.get(
    '/bulk-registrations',
    { preHandler: read, schema: { tags, summary: '批量注册记录（分页）', security, querystring: BulkRegistrationRunListQuerySchema, response: withErrors({ 200: BulkRegistrationRunPageSchema }) } },
    async (request) => {
      const page = { page: request.query.page ?? 1, pageSize: request.query.pageSize ?? 20 }
      const { items, total } = await listRuns(db, page)
      return { items: items.map((run) => ({ ...run, createdAt: run.createdAt.toISOString() })), total, ...page }
    },
  )

  app.get(
    '/bulk-registrations/template.xlsx',
    { preHandler: read, schema: { tags, summary: '下载批量注册模板（附件2）', security, response: withErrors({ 200: BinarySchema }) } },
    async (_request, reply) => reply.headers(attachment('附件2-批量注册名单模板.xlsx', 'bulk-registration-template.xlsx')).send(await writeTemplateSheet()),
  )

  app.post(
    '/bulk-registrations/result-sheet',
    {
      preHandler: read,
      bodyLimit: 2 * 1024 * 1024,
      schema: { tags, summary: '下载导入结果表（身份证号、手机号隐去部分数字）', security, body: BulkResultSheetBodySchema, response: withErrors({ 200: BinarySchema }) },
    },
    async (request, reply) => {
      const { counts, rows } = request.body
      // Masked again here: whatever the page sends, the sheet never carries a full ID number or phone.
      const masked = rows.map((row) => ({ ...row, idNumberMasked: maskIdNumber(row.idNumberMasked), phoneMasked: maskPhone(row.phoneMasked) }))
      const sheet = await writeResultSheet({ runId: 0, counts, rows: masked })
      return reply.headers(attachment('批量注册导入结果.xlsx', 'bulk-registration-result.xlsx')).send(sheet)
    },
  )
}
export default bulkRegistrationConsoleRoutes
