import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { StaffPasswordChangeBodySchema, StaffSchema, StaffSessionSchema, StaffSignInBodySchema, StaffSignInNextStepSchema, StaffUnlockBodySchema } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff, staffBearerToken } from './staff.guard.ts'
import { StaffUnauthorizedError } from './staff.errors.ts'
import { findStaffById } from './staff.repository.ts'
import { changeOwnStaffPassword, signInStaff, unlockStaffSession } from './staff.service.ts'
import { endStaffSession } from './staff-sessions.repository.ts'
import { recordStaffAction } from './audit.repository.ts'

export interface StaffRoutesOptions {
  db: AppDb
  now: () => Date
}

const security = [{ staffBearer: [] }]
const tags = ['staff']

/** Console sign-in (password + TOTP), unlock, sign-out, who am I and 修改密码 (docs/staff.md). */
const staffRoutes: FastifyPluginAsyncTypebox<StaffRoutesOptions> = async (app, { db, now }) => {
  app.post(
    '/session',
    {
      schema: {
        tags,
        summary: '工作人员登录：密码，然后身份验证器的动态码（首次登录先扫码绑定）',
        body: StaffSignInBodySchema,
        response: withErrors({ 201: StaffSessionSchema, 200: StaffSignInNextStepSchema }),
      },
    },
    async (request, reply) => {
      const { username, password, totpCode } = request.body
      const answer = await signInStaff(db, { username: username.trim().toLowerCase(), password, totpCode }, request.ip, now())
      reply.code('token' in answer ? 201 : 200).header('cache-control', 'no-store')
      return answer
    },
  )

  app.post(
    '/session/unlock',
    { schema: { tags, summary: '解锁（空闲 15 分钟后）', security, body: StaffUnlockBodySchema, response: withErrors({ 200: StaffSessionSchema }) } },
    async (request, reply) => {
      const token = staffBearerToken(request)
      if (!token) throw new StaffUnauthorizedError()
      reply.header('cache-control', 'no-store')
      return unlockStaffSession(db, token, request.body, request.ip, now())
    },
  )

  app.delete(
    '/session',
    {
      preHandler: app.requireStaff,
      config: { staffBeforePasswordChange: true },
      schema: { tags, summary: '退出登录', security, response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      const staff = currentStaff(request)
      await db.transaction(async (tx) => {
        await endStaffSession(tx, staff.sessionId, 'signed_out', now())
        await recordStaffAction(tx, { staffId: staff.id, action: 'staff.sign_out', target: `staff:${staff.id}` }, now())
      })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/me',
    {
      preHandler: app.requireStaff,
      config: { staffBeforePasswordChange: true },
      schema: { tags, summary: '当前工作人员', security, response: withErrors({ 200: StaffSchema }) },
    },
    async (request) => {
      const staff = await findStaffById(db, currentStaff(request).id)
      if (!staff) throw new StaffUnauthorizedError()
      return { id: staff.id, username: staff.username, role: staff.role, mustChangePassword: staff.mustChangePassword }
    },
  )

  app.post(
    '/me/password',
    {
      preHandler: app.requireStaff,
      config: { staffBeforePasswordChange: true },
      schema: { tags, summary: '修改密码', security, body: StaffPasswordChangeBodySchema, response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      const staff = currentStaff(request)
      await changeOwnStaffPassword(db, { staffId: staff.id, sessionId: staff.sessionId }, request.body, now())
      return reply.code(204).send(null)
    },
  )

}
export default staffRoutes
