import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { BinarySchema, withErrors } from '../../core/route-schemas.ts'
import { FileLinkInvalidError } from './group-orders.errors.ts'
import { errorFile, learnersFile } from './group-files.service.ts'
import { isValidGroupFileLink } from './group-file-links.ts'
import { learnersFilePath } from './group-orders.service.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const SignedQuerySchema = Type.Object(
  { expires: Type.Integer({ minimum: 0 }), sig: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
)
const binary = { 200: BinarySchema }

/**
 * The group files, reached by signed short-lived links (GRP-2, GRP-4): inside WeChat a download is a
 * plain navigation that cannot carry the access token.
 */
const groupFileRoutes: FastifyPluginAsyncTypebox<{ deps: GroupOrderDeps }> = async (app, { deps }) => {
  app.get(
    '/checks/:checkId/errors.xlsx',
    {
      schema: {
        tags: ['group-orders'],
        summary: '下载错误文件（签名链接）',
        params: Type.Object({ checkId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        querystring: SignedQuerySchema,
        response: withErrors(binary),
      },
    },
    async (request, reply) => {
      const path = `/api/group-orders/checks/${request.params.checkId}/errors.xlsx`
      const now = deps.now()
      if (!isValidGroupFileLink(deps.fileKey, path, request.query.expires, request.query.sig, now)) throw new FileLinkInvalidError()
      const file = await errorFile(deps, request.params.checkId, now)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="group-errors.xlsx"; filename*=UTF-8''${encodeURIComponent('团体购买错误文件.xlsx')}`)
        .header('cache-control', 'private, no-store')
        .send(file)
    },
  )

  app.get(
    '/files/:buyerId/:orderId/learners.xlsx',
    {
      schema: {
        tags: ['group-orders'],
        summary: '导出团购订单学员名单（签名链接）',
        params: Type.Object({ buyerId: Type.Integer({ minimum: 1 }), orderId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        querystring: SignedQuerySchema,
        response: withErrors(binary),
      },
    },
    async (request, reply) => {
      const { buyerId, orderId } = request.params
      if (!isValidGroupFileLink(deps.fileKey, learnersFilePath(buyerId, orderId), request.query.expires, request.query.sig, deps.now())) {
        throw new FileLinkInvalidError()
      }
      const file = await learnersFile(deps, buyerId, orderId)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="group-order-${orderId}.xlsx"; filename*=UTF-8''${encodeURIComponent(`团购订单学员名单-${orderId}.xlsx`)}`)
        .header('cache-control', 'private, no-store')
        .send(file)
    },
  )
}
export default groupFileRoutes
