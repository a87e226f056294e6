import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AccountClosedSchema, CloseAccountBodySchema, ClosureCheckSchema, MyDataExportLinkSchema, MyDataQuerySchema, MyDataSchema } from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { clearRefreshCookie } from '../auth/auth.public.ts'
import { checkClosure, closeOwnAccount, describeMyData, myDataExportLink } from './privacy.service.ts'
import type { PrivacyDeps } from './privacy.types.ts'

const security = [{ bearer: [] }]
// A learner who has not agreed to a new policy version may still see their data and close the
// account (withdrawing consent must stay possible): these routes pass the consent check.
const config = { beforeConsent: true }

/** 我的个人信息 and 注销账号 (PIPL art. 44–47), for the signed-in learner's own account only. */
const privacyRoutes: FastifyPluginAsyncTypebox<{ deps: PrivacyDeps }> = async (app, { deps }) => {
  app.addHook('preHandler', app.authenticate)

  app.get(
    '/my-data',
    { config, schema: { tags: ['privacy'], summary: '我的个人信息（身份证号、手机号默认脱敏；reveal=true 显示本人完整号码）', security, querystring: MyDataQuerySchema, response: withErrors({ 200: MyDataSchema }) } },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store')
      return describeMyData(deps.db, request.user.uid, request.query.reveal === true)
    },
  )

  app.post(
    '/my-data/export-link',
    { config, schema: { tags: ['privacy'], summary: '下载我的个人信息：15 分钟有效的签名链接（.xlsx）', security, response: withErrors({ 200: MyDataExportLinkSchema }) } },
    async (request) => myDataExportLink(deps, request.user.uid),
  )

  app.get(
    '/closure',
    { config, schema: { tags: ['privacy'], summary: '注销账号前的检查，以及注销删除和保留的内容', security, response: withErrors({ 200: ClosureCheckSchema }) } },
    async (request) => checkClosure(deps.db, request.user.uid),
  )

  app.post(
    '/closure',
    {
      config,
      schema: {
        tags: ['privacy'],
        summary: '注销账号（输入密码确认）；所有设备随即退出登录',
        security,
        body: CloseAccountBodySchema,
        response: withErrors({ 200: AccountClosedSchema }),
      },
    },
    async (request, reply) => {
      const closed = await closeOwnAccount(deps.db, request.user.uid, request.body.password, deps.now())
      clearRefreshCookie(reply, { secure: deps.secureCookies })
      return closed
    },
  )
}
export default privacyRoutes
