import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { signInNewStaff, STAFF_PASSWORD } from '../../../test/staff-helpers.ts'
import { staffAuditLog } from '../../db/schema.ts'
import { saveStaffUser } from './staff.service.ts'
import { recordStaffAction } from './audit.repository.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/staff/me', headers })
const signIn = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password } })

describe('staff authentication', () => {
  it('a learner token is refused on staff routes with STAFF_UNAUTHORIZED', async () => {
    const learner = await registerLearner(t.app)
    const res = await me(bearer(learner.accessToken))
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('STAFF_UNAUTHORIZED')
    expect((await me({})).json().code).toBe('STAFF_UNAUTHORIZED')
  })

  it('a staff token works on staff routes and never on learner routes', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const res = await me(bearer(staff.token))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: staff.staffId, username: staff.username, role: 'operator' })
    const learnerRoute = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(staff.token) })
    expect(learnerRoute.statusCode).toBe(401)
  })

  it('signing in is audited; a wrong password is refused and repeated failures lock the account', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.staffId, staff.staffId))
    expect(audit.map((a) => a.action)).toEqual(['staff.sign_in'])
    for (let i = 0; i < 5; i++) expect((await signIn(staff.username, 'wrong-password-123')).json().code).toBe('INVALID_CREDENTIALS')
    const locked = await signIn(staff.username, STAFF_PASSWORD)
    expect(locked.statusCode).toBe(429)
    expect(locked.json().code).toBe('LOGIN_THROTTLED')
    expect((await signIn('nobody.here', STAFF_PASSWORD)).json().code).toBe('INVALID_CREDENTIALS')
  })

  it('tokens expire after 15 minutes and end at once when the password is reset', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    t.clock.advance(16 * 60_000)
    expect((await me(bearer(staff.token))).statusCode).toBe(401)
    const fresh = (await signIn(staff.username, STAFF_PASSWORD)).json().token as string
    expect((await me(bearer(fresh))).statusCode).toBe(200)
    await saveStaffUser(t.database.db, { username: staff.username, password: 'another-Password-9', role: 'operator', resetExisting: true })
    expect((await me(bearer(fresh))).statusCode).toBe(401)
  })

  it('an audit record rolls back with the change it belongs to', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    await expect(
      t.database.db.transaction(async (tx) => {
        await recordStaffAction(tx, { staffId: staff.staffId, action: 'test.action', target: 'order:none' })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    const rows = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.action, 'test.action'))
    expect(rows).toEqual([])
  })
})
