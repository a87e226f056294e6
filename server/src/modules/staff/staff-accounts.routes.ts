import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { IdParamsSchema, StaffAccountCreateBodySchema, StaffAccountListQuerySchema, StaffAccountPageSchema, StaffOneTimePasswordSchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from './staff.guard.ts'
import { createStaffAccount, listStaffAccounts, resetStaffPassword, resetStaffTotp, setStaffDisabled } from './staff-accounts.service.ts'

export interface StaffAccountRoutesOptions {
  db: AppDb
  now: () => Date
}

const security = [{ staffBearer: [] }]
const tags = ['staff']
const NoBody = Type.Object({}, { additionalProperties: false })

/** 工作人员 (admins only): list, create, disable/enable, reset password or authenticator; each audited. */
const staffAccountRoutes: FastifyPluginAsyncTypebox<StaffAccountRoutesOptions> = async (app, { db, now }) => {
  const preHandler = app.requireStaffRole('admin')

  app.get(
    '/',
    { preHandler, schema: { tags, summary: '工作人员账号列表', security, querystring: StaffAccountListQuerySchema, response: withErrors({ 200: StaffAccountPageSchema }) } },
    async (request) => listStaffAccounts(db, request.query.page ?? 1, request.query.pageSize ?? 20),
  )

  app.post(
    '/',
    { preHandler, schema: { tags, summary: '新建工作人员账号（一次性密码只显示一次）', security, body: StaffAccountCreateBodySchema, response: withErrors({ 201: StaffOneTimePasswordSchema }) } },
    async (request, reply) => {
      const made = await createStaffAccount(db, currentStaff(request).id, request.body, now())
      reply.code(201).header('cache-control', 'no-store')
      return made
    },
  )

  for (const [path, disabled, summary] of [
    ['disable', true, '停用工作人员账号'],
    ['enable', false, '启用工作人员账号'],
  ] as const) {
    app.post(
      `/:id/${path}`,
      { preHandler, schema: { tags, summary, security, params: IdParamsSchema, body: NoBody, response: withErrors({ 204: Type.Null() }) } },
      async (request, reply) => {
        await setStaffDisabled(db, currentStaff(request).id, request.params.id, disabled, now())
        return reply.code(204).send(null)
      },
    )
  }

  app.post(
    '/:id/reset-password',
    { preHandler, schema: { tags, summary: '重置工作人员密码', security, params: IdParamsSchema, body: NoBody, response: withErrors({ 200: StaffOneTimePasswordSchema }) } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return resetStaffPassword(db, currentStaff(request).id, request.params.id, now())
    },
  )

  app.post(
    '/:id/reset-totp',
    { preHandler, schema: { tags, summary: '重置工作人员的身份验证器', security, params: IdParamsSchema, body: NoBody, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await resetStaffTotp(db, currentStaff(request).id, request.params.id, now())
      return reply.code(204).send(null)
    },
  )
}
export default staffAccountRoutes
