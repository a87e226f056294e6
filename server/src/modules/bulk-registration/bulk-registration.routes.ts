import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppDb } from '../../db/client.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { BulkRegistrationQuerySchema, BulkRegistrationResultSchema } from '@app/shared'
import { currentStaff } from '../staff/staff.public.ts'
import { cappedUploadParser } from '../../core/upload-body.ts'
import { SheetFileTooLargeError, SheetUnreadableError } from './bulk-registration.errors.ts'
import { registerSheet } from './bulk-registration.service.ts'
import { MAX_FILE_BYTES } from './sheet.parser.ts'

export interface BulkRegistrationRouteDeps {
  db: AppDb
  sms: SmsProvider
  now: () => Date
}

const SHEET_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv', 'application/octet-stream']

/**
 * Staff bulk registration as an API (ACC-5, OPS-2): the body is the unit's sheet itself (.xlsx or
 * .csv, as uploaded), `fileName` says which. The same service as the `bulk-register` command:
 * idempotent, invalid rows create nothing, new learners get a one-time password by SMS. Answers
 * every row's outcome (ID numbers and phones masked); the command writes the same as a sheet.
 */
const bulkRegistrationRoutes: FastifyPluginAsyncTypebox<{ deps: BulkRegistrationRouteDeps }> = async (app, { deps }) => {
  // Checked before the body is read: without a staff token not a byte of the upload is taken in.
  // 客服 and admins register learners (docs/staff.md, roles); 财务 does not.
  app.addHook('onRequest', app.requireStaffRole('operator'))
  // The 5 MB cap holds while the file streams in; reading it happens in a worker thread (service).
  const parseSheet = cappedUploadParser(MAX_FILE_BYTES, () => new SheetFileTooLargeError(String(MAX_FILE_BYTES / 1024 / 1024)))
  for (const type of SHEET_TYPES) app.addContentTypeParser(type, parseSheet)

  app.post(
    '/bulk-registrations',
    {
      bodyLimit: MAX_FILE_BYTES,
      schema: {
        tags: ['staff'],
        summary: '批量注册学员（上传单位名单 .xlsx / .csv）',
        security: [{ staffBearer: [] }],
        querystring: BulkRegistrationQuerySchema,
        response: withErrors({ 200: BulkRegistrationResultSchema }),
      },
    },
    async (request) => {
      const staff = currentStaff(request)
      const content = request.body
      if (!Buffer.isBuffer(content)) throw new SheetUnreadableError('请上传 .xlsx 或 .csv 表格文件')
      const result = await registerSheet(
        { db: deps.db, sms: deps.sms },
        { content, fileName: request.query.fileName, staff: `staff:${staff.id}`, source: 'api', staffId: staff.id },
        deps.now(),
      )
      return result
    },
  )
}
export default bulkRegistrationRoutes
