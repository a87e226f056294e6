import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CatalogueSchema, IdParamsSchema, ProjectDetailSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import type { FastifyRequest } from 'fastify'
import { getCatalogue, getProjectDetail, type ProjectStateLookup } from './catalogue.service.ts'

export interface CatalogueRoutesOptions {
  db: AppDb
  /** The signed-in learner's state per project; the catalogue is public, so this is optional. */
  statesFor(userId: number): ProjectStateLookup
}

/** The catalogue is public; a valid access token only adds the learner's own states. */
async function optionalUserId(request: FastifyRequest): Promise<number | null> {
  if (!request.headers.authorization) return null
  try {
    return (await request.jwtVerify<{ uid: number }>()).uid
  } catch {
    return null
  }
}

const catalogueRoutes: FastifyPluginAsyncTypebox<CatalogueRoutesOptions> = async (app, { db, statesFor }) => {
  const lookup = async (request: FastifyRequest) => {
    const userId = await optionalUserId(request)
    return userId === null ? undefined : statesFor(userId)
  }
  app.get(
    '/catalogue',
    { schema: { tags: ['catalogue'], summary: '在线学习中心：项目分类与培训项目', response: withErrors({ 200: CatalogueSchema }) } },
    async (request) => getCatalogue(db, await lookup(request)),
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
    async (request) => getProjectDetail(db, request.params.id, await lookup(request)),
  )
}
export default catalogueRoutes
