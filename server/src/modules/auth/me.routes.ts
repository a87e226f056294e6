import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { MeSchema } from '@app/shared'
import { withErrors } from '../../route-schemas.ts'
import { describeMe, loadUser, unbindWechat, type AuthDeps } from './auth.service.ts'

export interface MeRoutesOptions {
  auth: AuthDeps
}

/** 我的 (ACC-6): the learner's own account, and 「解除绑定」 of their WeChat. */
const meRoutes: FastifyPluginAsyncTypebox<MeRoutesOptions> = async (app, { auth }) => {
  app.addHook('preHandler', app.authenticate)

  app.get(
    '/',
    { schema: { tags: ['me'], summary: '我的账号', security: [{ bearer: [] }], response: withErrors({ 200: MeSchema }) } },
    async (request) => describeMe(auth, await loadUser(auth, request.user.uid)),
  )

  app.delete(
    '/wechat-binding',
    { schema: { tags: ['me'], summary: '解除微信绑定', security: [{ bearer: [] }], response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await unbindWechat(auth, request.user.uid)
      return reply.code(204).send(null)
    },
  )
}
export default meRoutes
