import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CatalogueSchema, IdParamsSchema, ProjectDetailSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../route-schemas.ts'
import { getCatalogue, getProjectDetail } from './catalogue.service.ts'

export interface CatalogueRoutesOptions {
  db: AppDb
}

const catalogueRoutes: FastifyPluginAsyncTypebox<CatalogueRoutesOptions> = async (app, { db }) => {
  app.get(
    '/catalogue',
    { schema: { tags: ['catalogue'], summary: '在线学习中心：项目分类与培训项目', response: withErrors({ 200: CatalogueSchema }) } },
    async () => getCatalogue(db),
  )
  app.get(
    '/projects/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: '培训项目详情',
        params: IdParamsSchema,
        response: withErrors({ 200: ProjectDetailSchema }),
      },
    },
    async (request) => getProjectDetail(db, request.params.id),
  )
}
export default catalogueRoutes
