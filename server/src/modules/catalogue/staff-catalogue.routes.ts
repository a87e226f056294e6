import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, PlainText, StaffContentImportSchema, StaffProjectListQuerySchema, StaffProjectPageSchema, StaffProjectPublishBodySchema } from '@app/shared'
import { Type } from 'typebox'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { cappedUploadParser } from '../../core/upload-body.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { ContentManifestInvalidError, ContentManifestTooLargeError } from './catalogue.errors.ts'
import { importUploadedManifest, listStaffProjects, publishProject } from './staff-catalogue.service.ts'

export interface StaffCatalogueRouteDeps {
  db: AppDb
  now: () => Date
  /** Where relative media of an uploaded manifest are looked up: the server's content folder (SEED_DIR). */
  manifestDir: string
}

const security = [{ staffBearer: [] }]
const tags = ['staff-console']
const MAX_MANIFEST_BYTES = 10 * 1024 * 1024

/** 课程与项目 in the staff console (mounted at /api/staff/catalogue): every staff member reads, 管理员 changes. */
const staffCatalogueRoutes: FastifyPluginAsyncTypebox<{ deps: StaffCatalogueRouteDeps }> = async (app, { deps }) => {
  const admin = app.requireStaffRole('admin')
  // The manifest is taken as bytes (its own parser reads the JSON and names each problem), capped while it streams in.
  app.addContentTypeParser('application/octet-stream', cappedUploadParser(MAX_MANIFEST_BYTES, () => new ContentManifestTooLargeError(String(MAX_MANIFEST_BYTES / 1024 / 1024))))

  app.get(
    '/projects',
    { preHandler: app.requireStaff, schema: { tags, summary: '培训项目及其课程、章节、题库题数（分页）', security, querystring: StaffProjectListQuerySchema, response: withErrors({ 200: StaffProjectPageSchema }) } },
    async (request) => listStaffProjects(deps.db, request.query),
  )

  app.post(
    '/projects/:id/publish',
    { preHandler: admin, schema: { tags, summary: '发布或下架培训项目（记入审计日志）', security, params: IdParamsSchema, body: StaffProjectPublishBodySchema, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await publishProject(deps.db, currentStaff(request), request.params.id, request.body.published, request.body.reason, deps.now())
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/imports',
    {
      // The role is checked before the body is read: a member without it uploads nothing.
      onRequest: admin,
      bodyLimit: MAX_MANIFEST_BYTES,
      schema: {
        tags,
        summary: '导入课程清单（与 import-content 相同；body 为清单 JSON 文件）',
        security,
        querystring: Type.Object({ fileName: PlainText({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: withErrors({ 200: StaffContentImportSchema }),
      },
    },
    async (request) => {
      const content = request.body
      if (!Buffer.isBuffer(content)) throw new ContentManifestInvalidError('1', '请上传课程清单 JSON 文件')
      return importUploadedManifest(deps.db, currentStaff(request), { text: content.toString('utf8'), fileName: request.query.fileName, mediaBaseDir: deps.manifestDir }, deps.now())
    },
  )
}
export default staffCatalogueRoutes
