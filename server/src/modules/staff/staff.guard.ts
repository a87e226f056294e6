import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDb } from '../../db/client.ts'
import type { StaffRole } from '../../db/schema.ts'
import { StaffForbiddenError, StaffUnauthorizedError } from './staff.errors.ts'
import { findStaffById } from './staff.repository.ts'
import { staffTokens } from './staff.tokens.ts'

export interface StaffPrincipal {
  id: number
  username: string
  role: StaffRole
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler for staff routes: a valid staff token of an enabled account, else 401 STAFF_UNAUTHORIZED. */
    requireStaff(request: FastifyRequest, reply: FastifyReply): Promise<void>
    /** preHandler: as requireStaff, and the account has this role (admin passes every check), else 403. */
    requireStaffRole(role: StaffRole): (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    signStaffToken(staff: { id: number; role: StaffRole; tokenVersion: number }): { token: string; expiresAt: Date }
  }
  interface FastifyRequest {
    /** Set by requireStaff. */
    staff: StaffPrincipal | null
  }
}

export interface StaffGuardOptions {
  db: AppDb
  /** Derived apart from the learners' JWT secret. */
  secret: string
  now: () => Date
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header !== 'string') return null
  const match = /^Bearer ([A-Za-z0-9._-]{10,2048})$/.exec(header)
  return match?.[1] ?? null
}

/**
 * Staff authentication for every module's staff routes (OPS-5). Each request re-reads the staff
 * row, so disabling an account or changing its password ends its tokens at once.
 */
export default fp<StaffGuardOptions>(
  async (app, opts) => {
    const tokens = staffTokens(opts.secret, opts.now)
    app.decorateRequest('staff', null)
    app.decorate('signStaffToken', (staff: { id: number; role: StaffRole; tokenVersion: number }) =>
      tokens.sign({ stf: staff.id, tv: staff.tokenVersion, role: staff.role }),
    )
    const requireStaff = async (request: FastifyRequest) => {
      const token = bearerToken(request)
      const claims = token ? tokens.verify(token) : null
      if (!claims) throw new StaffUnauthorizedError()
      const row = await findStaffById(opts.db, claims.stf)
      if (!row || row.disabledAt || row.tokenVersion !== claims.tv) throw new StaffUnauthorizedError()
      request.staff = { id: row.id, username: row.username, role: row.role }
    }
    app.decorate('requireStaff', requireStaff)
    app.decorate('requireStaffRole', (role: StaffRole) => async (request: FastifyRequest, reply: FastifyReply) => {
      await requireStaff(request)
      void reply
      if (request.staff?.role !== role && request.staff?.role !== 'admin') throw new StaffForbiddenError()
    })
  },
  { name: 'staff-guard', dependencies: ['error-handler'] },
)

/** The signed-in staff member of a route guarded by requireStaff. */
export function currentStaff(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new StaffUnauthorizedError()
  return request.staff
}
