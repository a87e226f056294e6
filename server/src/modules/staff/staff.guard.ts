import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDb } from '../../db/client.ts'
import type { StaffRole } from '../../db/schema/staff.ts'
import { StaffForbiddenError, StaffPasswordChangeRequiredError, StaffSessionLockedError, StaffUnauthorizedError } from './staff.errors.ts'
import { STAFF_IDLE_MS } from './staff.service.ts'
import { findStaffSession, touchStaffSession } from './staff-sessions.repository.ts'

export interface StaffPrincipal {
  id: number
  username: string
  role: StaffRole
  /** The console session the request came with. */
  sessionId: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler for staff routes: an open, unlocked session of an enabled account, else 401. */
    requireStaff(request: FastifyRequest, reply: FastifyReply): Promise<void>
    /** preHandler: as requireStaff, and the account has one of these roles (admin passes every check), else 403. */
    requireStaffRole(...roles: StaffRole[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
  interface FastifyRequest {
    /** Set by requireStaff. */
    staff: StaffPrincipal | null
  }
  interface FastifyContextConfig {
    /** Staff route open to an account that must still replace its one-time password (me, 修改密码, sign-out). */
    staffBeforePasswordChange?: boolean
  }
}

export interface StaffGuardOptions {
  db: AppDb
  now: () => Date
}

/** The bearer token of a request, when it carries one of the right shape. */
export function staffBearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header !== 'string') return null
  const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header)
  return match?.[1] ?? null
}

/** Activity closer together than this does not rewrite the session row (a page load's burst of requests). */
const TOUCH_EVERY_MS = 5_000

/**
 * Staff authentication for every module's staff routes (OPS-5, docs/staff.md). Each request reads
 * the session and its account, so disabling an account or resetting its password ends its sessions
 * at once. A session idle for 15 minutes answers 401 STAFF_SESSION_LOCKED (the console's lock
 * screen); each request slides the idle window, so a working console is never thrown out.
 */
export default fp<StaffGuardOptions>(
  async (app, opts) => {
    app.decorateRequest('staff', null)
    const requireStaff = async (request: FastifyRequest) => {
      const token = staffBearerToken(request)
      const found = token ? await findStaffSession(opts.db, token) : undefined
      const now = opts.now()
      if (!found || found.session.endedAt || found.session.expiresAt <= now || found.staff.disabledAt) throw new StaffUnauthorizedError()
      const idleMs = now.getTime() - found.session.lastActiveAt.getTime()
      if (idleMs > STAFF_IDLE_MS) throw new StaffSessionLockedError()
      if (idleMs >= TOUCH_EVERY_MS) await touchStaffSession(opts.db, found.session.id, now)
      if (found.staff.mustChangePassword && request.routeOptions.config.staffBeforePasswordChange !== true) throw new StaffPasswordChangeRequiredError()
      request.staff = { id: found.staff.id, username: found.staff.username, role: found.staff.role, sessionId: found.session.id }
    }
    app.decorate('requireStaff', requireStaff)
    app.decorate('requireStaffRole', (...roles: StaffRole[]) => async (request: FastifyRequest, reply: FastifyReply) => {
      await requireStaff(request)
      void reply
      const role = request.staff?.role
      if (role !== 'admin' && !roles.includes(role as StaffRole)) throw new StaffForbiddenError()
    })
  },
  { name: 'staff-guard', dependencies: ['error-handler'] },
)

/** The signed-in staff member of a route guarded by requireStaff. */
export function currentStaff(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new StaffUnauthorizedError()
  return request.staff
}
