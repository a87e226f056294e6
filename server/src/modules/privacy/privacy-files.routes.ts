import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorCode, IdSchema } from '@app/shared'
import { Type } from 'typebox'
import { defineError } from '../../core/errors.ts'
import { BinarySchema, withErrors } from '../../core/route-schemas.ts'
import { isValidMyDataLink, myDataFile } from './privacy.service.ts'
import type { PrivacyDeps } from './privacy.types.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const ExportLinkInvalidError = defineError(ErrorCode.FILE_LINK_INVALID, '下载链接已失效，请返回「我的个人信息」重新下载', 403)

/**
 * The workbook of 我的个人信息, reached by a signed short-lived link: inside WeChat a download is a
 * plain navigation that cannot carry the access token (as the group files and certificates are).
 */
const privacyFileRoutes: FastifyPluginAsyncTypebox<{ deps: PrivacyDeps }> = async (app, { deps }) => {
  app.get(
    '/files/:userId/my-data.xlsx',
    {
      schema: {
        tags: ['privacy'],
        summary: '下载我的个人信息（签名链接）',
        params: Type.Object({ userId: IdSchema }, { additionalProperties: false }),
        querystring: Type.Object({ expires: Type.Integer({ minimum: 0 }), sig: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: withErrors({ 200: BinarySchema }),
      },
    },
    async (request, reply) => {
      const { userId } = request.params
      if (!isValidMyDataLink(deps, userId, request.query.expires, request.query.sig)) throw new ExportLinkInvalidError()
      const file = await myDataFile(deps.db, userId)
      if (!file) throw new ExportLinkInvalidError()
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="my-data.xlsx"; filename*=UTF-8''${encodeURIComponent('我的个人信息.xlsx')}`)
        .header('cache-control', 'private, no-store')
        .send(file)
    },
  )
}
export default privacyFileRoutes
