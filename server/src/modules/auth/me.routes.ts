import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ChangePasswordBodySchema, ConsentBodySchema, MeSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { describeMe, loadUser, unbindWechat, type AuthDeps } from './auth.service.ts'
import { giveConsents } from './consents.service.ts'
import { changePassword } from './password-change.service.ts'

export interface MeRoutesOptions {
  auth: AuthDeps
  now?: () => Date
}

/** 我的 (ACC-6): the learner's own account, and 「解除绑定」 of their WeChat. */
const meRoutes: FastifyPluginAsyncTypebox<MeRoutesOptions> = async (app, { auth, now = () => new Date() }) => {
  app.addHook('preHandler', app.authenticate)

  app.get(
    '/',
    { config: { beforePasswordChange: true, beforeConsent: true }, schema: { tags: ['me'], summary: '我的账号', security: [{ bearer: [] }], response: withErrors({ 200: MeSchema }) } },
    async (request) => describeMe(auth, await loadUser(auth, request.user.uid)),
  )

  app.delete(
    '/wechat-binding',
    { schema: { tags: ['me'], summary: '解除微信绑定；经微信登录的其他设备随即退出登录', security: [{ bearer: [] }], response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await unbindWechat(auth, request.user.uid, request.user.sid, now())
      return reply.code(204).send(null)
    },
  )

  app.put(
    '/password',
    {
      config: { beforePasswordChange: true, beforeConsent: true },
      schema: {
        tags: ['me'],
        summary: '修改密码（首次登录须修改初始密码）；本账号其他设备随即退出登录',
        security: [{ bearer: [] }],
        body: ChangePasswordBodySchema,
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await changePassword(auth, request.user.uid, request.user.sid, request.body, now())
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/consents',
    {
      config: { beforePasswordChange: true, beforeConsent: true },
      schema: {
        tags: ['me'],
        summary: '同意当前版本的《隐私政策》及身份证号（敏感个人信息）的单独同意',
        security: [{ bearer: [] }],
        body: ConsentBodySchema,
        response: withErrors({ 204: Type.Null() }),
      },
    },
    async (request, reply) => {
      await giveConsents(auth.db, request.user.uid, request.body, now())
      return reply.code(204).send(null)
    },
  )
}
export default meRoutes
