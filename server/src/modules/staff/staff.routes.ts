import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppDb } from '../../db/client.ts'
import { withErrors } from '../../core/route-schemas.ts'
import { StaffSchema, StaffSessionSchema, StaffSignInBodySchema } from './staff.schemas.ts'
import { currentStaff } from './staff.guard.ts'
import { signInStaff } from './staff.service.ts'

export interface StaffRoutesOptions {
  db: AppDb
  now: () => Date
}

const security = [{ staffBearer: [] }]

/** Staff sign-in (a short-lived staff token, never a learner session) and who am I. */
const staffRoutes: FastifyPluginAsyncTypebox<StaffRoutesOptions> = async (app, { db, now }) => {
  app.post(
    '/session',
    { schema: { tags: ['staff'], summary: '工作人员登录', body: StaffSignInBodySchema, response: withErrors({ 201: StaffSessionSchema }) } },
    async (request, reply) => {
      const staff = await signInStaff(db, request.body.username.trim().toLowerCase(), request.body.password, request.ip, now())
      const { token, expiresAt } = app.signStaffToken(staff)
      reply.code(201).header('cache-control', 'no-store')
      return { token, expiresAt: expiresAt.toISOString(), staff: { id: staff.id, username: staff.username, role: staff.role } }
    },
  )

  app.get(
    '/me',
    { preHandler: app.requireStaff, schema: { tags: ['staff'], summary: '当前工作人员', security, response: withErrors({ 200: StaffSchema }) } },
    async (request) => currentStaff(request),
  )
}
export default staffRoutes
