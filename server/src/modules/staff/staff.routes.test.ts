import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { signInNewStaff, signInStaff, STAFF_PASSWORD, staffTotpCode } from '../../../test/staff-helpers.ts'
import { staffAuditLog, staffUsers } from '../../db/schema.ts'
import { saveStaffUser } from './staff.service.ts'
import { recordStaffAction } from './audit.repository.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/staff/me', headers })
const signIn = (payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/staff/session', payload })
const actions = async (staffId: number) =>
  (await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.staffId, staffId))).map((a) => a.action)
/** Moves the clock to the next TOTP step, so a fresh code exists. */
const nextStep = () => t.clock.advance(30_000)

describe('staff sign-in with a second factor', () => {
  it('a learner token is refused on staff routes with STAFF_UNAUTHORIZED', async () => {
    const learner = await registerLearner(t.app)
    const res = await me(bearer(learner.accessToken))
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('STAFF_UNAUTHORIZED')
    expect((await me({})).json().code).toBe('STAFF_UNAUTHORIZED')
  })

  it('first sign-in: the password alone gives no session but a QR secret; its code opens a session, audited', async () => {
    const { staff } = await saveStaffUser(t.database.db, { username: 'first.timer', password: STAFF_PASSWORD, role: 'operator', resetExisting: false })
    const step = await signIn({ username: 'first.timer', password: STAFF_PASSWORD })
    expect(step.statusCode).toBe(200)
    expect(step.json()).toMatchObject({ next: 'totp_setup', otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\/.*first\.timer\?secret=/) })
    expect(step.json().token).toBeUndefined()
    // Asking again shows the same secret (the QR code scanned a moment ago stays valid).
    const secret = step.json().secret as string
    expect((await signIn({ username: 'first.timer', password: STAFF_PASSWORD })).json().secret).toBe(secret)
    const wrong = await signIn({ username: 'first.timer', password: STAFF_PASSWORD, totpCode: staffTotpCode(t.app, secret, 5) })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().code).toBe('STAFF_TOTP_INVALID')
    const done = await signIn({ username: 'first.timer', password: STAFF_PASSWORD, totpCode: staffTotpCode(t.app, secret) })
    expect(done.statusCode).toBe(201)
    expect(done.json()).toMatchObject({ staff: { id: staff.id, username: 'first.timer', role: 'operator', mustChangePassword: false }, idleMinutes: 15 })
    expect((await me(bearer(done.json().token))).json()).toMatchObject({ id: staff.id, role: 'operator' })
    expect(await actions(staff.id)).toEqual(['staff.sign_in'])
    // Set up once: the next sign-in asks only for the code.
    nextStep()
    expect((await signIn({ username: 'first.timer', password: STAFF_PASSWORD })).json()).toEqual({ next: 'totp' })
  })

  it('a code is refused the second time within its window (replay), and a later one works', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    nextStep()
    const code = staffTotpCode(t.app, staff.totpSecret)
    expect((await signIn({ username: staff.username, password: STAFF_PASSWORD, totpCode: code })).statusCode).toBe(201)
    const replay = await signIn({ username: staff.username, password: STAFF_PASSWORD, totpCode: code })
    expect(replay.statusCode).toBe(401)
    expect(replay.json().code).toBe('STAFF_TOTP_INVALID')
    // The previous step's code is inside the ±1 window but older than the one used: refused too.
    expect((await signIn({ username: staff.username, password: STAFF_PASSWORD, totpCode: staffTotpCode(t.app, staff.totpSecret, -1) })).statusCode).toBe(401)
    nextStep()
    expect((await signIn({ username: staff.username, password: STAFF_PASSWORD, totpCode: staffTotpCode(t.app, staff.totpSecret) })).statusCode).toBe(201)
  })

  it('the same code sent twice at the same moment opens one session, not two', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    nextStep()
    const code = staffTotpCode(t.app, staff.totpSecret)
    const answers = await Promise.all([0, 1, 2].map(() => signIn({ username: staff.username, password: STAFF_PASSWORD, totpCode: code })))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 401, 401])
  })

  it('a staff session never works on learner routes', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    const learnerRoute = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(staff.token) })
    expect(learnerRoute.statusCode).toBe(401)
  })

  it('wrong passwords and wrong codes are throttled per account', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    for (let i = 0; i < 3; i++) expect((await signIn({ username: staff.username, password: 'wrong-password-123' })).json().code).toBe('INVALID_CREDENTIALS')
    for (let i = 0; i < 2; i++) {
      const res = await signIn({ username: staff.username, password: STAFF_PASSWORD, totpCode: '000000' })
      expect(['STAFF_TOTP_INVALID', 'INVALID_CREDENTIALS']).toContain(res.json().code)
    }
    const locked = await signIn({ username: staff.username, password: STAFF_PASSWORD })
    expect(locked.statusCode).toBe(429)
    expect(locked.json().code).toBe('LOGIN_THROTTLED')
    expect((await signIn({ username: 'nobody.here', password: STAFF_PASSWORD })).json().code).toBe('INVALID_CREDENTIALS')
  })
})

describe('idle lock and sliding renewal', () => {
  it('activity slides the idle window: a console used every 10 minutes stays open for hours', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    for (let i = 0; i < 12; i++) {
      t.clock.advance(10 * 60_000)
      expect((await me(bearer(staff.token))).statusCode).toBe(200)
    }
  })

  it('after 15 idle minutes the session is locked; password and a fresh code unlock the same token', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    t.clock.advance(15 * 60_000 + 1000)
    const locked = await me(bearer(staff.token))
    expect(locked.statusCode).toBe(401)
    expect(locked.json().code).toBe('STAFF_SESSION_LOCKED')
    const unlock = (payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/staff/session/unlock', headers: bearer(staff.token), payload })
    expect((await unlock({ password: 'wrong-password-123', totpCode: staffTotpCode(t.app, staff.totpSecret) })).json().code).toBe('INVALID_CREDENTIALS')
    const res = await unlock({ password: STAFF_PASSWORD, totpCode: staffTotpCode(t.app, staff.totpSecret) })
    expect(res.statusCode).toBe(200)
    expect(res.json().token).toBe(staff.token)
    expect((await me(bearer(staff.token))).statusCode).toBe(200)
    expect(await actions(staff.staffId)).toEqual(['staff.sign_in', 'staff.unlock'])
  })

  it('a session ends after 12 hours however active, and cannot be unlocked', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    for (let i = 0; i < 12 * 6; i++) {
      t.clock.advance(10 * 60_000)
      await me(bearer(staff.token))
    }
    const res = await me(bearer(staff.token))
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('STAFF_UNAUTHORIZED')
    const unlock = await t.app.inject({
      method: 'POST',
      url: '/api/staff/session/unlock',
      headers: bearer(staff.token),
      payload: { password: STAFF_PASSWORD, totpCode: staffTotpCode(t.app, staff.totpSecret) },
    })
    expect(unlock.json().code).toBe('STAFF_UNAUTHORIZED')
  })

  it('signing out, or a password reset from the command line, ends the session at once', async () => {
    const staff = await signInNewStaff(t.app, t.database.db)
    expect((await t.app.inject({ method: 'DELETE', url: '/api/staff/session', headers: bearer(staff.token) })).statusCode).toBe(204)
    expect((await me(bearer(staff.token))).json().code).toBe('STAFF_UNAUTHORIZED')
    nextStep()
    const again = await signInStaff(t.app, staff.username, STAFF_PASSWORD, staff.totpSecret)
    expect((await me(bearer(again.token))).statusCode).toBe(200)
    await saveStaffUser(t.database.db, { username: staff.username, password: 'another-Password-9', role: 'operator', resetExisting: true })
    expect((await me(bearer(again.token))).json().code).toBe('STAFF_UNAUTHORIZED')
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

describe('工作人员: admins manage staff accounts', () => {
  it('an admin creates an account with a one-time password the new member must replace; only admins may', async () => {
    const admin = await signInNewStaff(t.app, t.database.db, 'admin')
    const operator = await signInNewStaff(t.app, t.database.db, 'operator')
    const create = (token: string, payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/staff/accounts', headers: bearer(token), payload })
    expect((await create(operator.token, { username: 'new.finance', role: 'finance' })).json().code).toBe('STAFF_FORBIDDEN')
    const made = await create(admin.token, { username: 'new.finance', role: 'finance' })
    expect(made.statusCode).toBe(201)
    const { account, oneTimePassword } = made.json() as { account: { id: number; mustChangePassword: boolean; totpEnrolled: boolean }; oneTimePassword: string }
    expect(account).toMatchObject({ mustChangePassword: true, totpEnrolled: false })
    expect((await create(admin.token, { username: 'new.finance', role: 'operator' })).json().code).toBe('STAFF_USERNAME_TAKEN')
    const [row] = await t.database.db.select().from(staffUsers).where(eq(staffUsers.id, account.id))
    expect(row?.passwordHash).not.toContain(oneTimePassword)
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.target, `staff:${account.id}`))
    expect(audit.map((a) => [a.action, a.staffId, a.detail])).toEqual([['staff.create', admin.staffId, { role: 'finance' }]])
    expect(JSON.stringify(audit)).not.toContain(oneTimePassword)

    // The new member signs in (QR code, code) and must change the password before anything else.
    const session = await signInStaff(t.app, 'new.finance', oneTimePassword)
    expect((await me(bearer(session.token))).json()).toMatchObject({ role: 'finance', mustChangePassword: true })
    const list = await t.app.inject({ method: 'GET', url: '/api/staff/learners?by=phone&q=13800000000', headers: bearer(session.token) })
    expect(list.json().code).toBe('STAFF_PASSWORD_CHANGE_REQUIRED')
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/staff/me/password',
      headers: bearer(session.token),
      payload: { currentPassword: oneTimePassword, newPassword: 'finance-Own-Password-1' },
    })
    expect(change.statusCode).toBe(204)
    expect((await me(bearer(session.token))).json().mustChangePassword).toBe(false)
  })

  it('disable ends the sessions at once; enable lets the member back; reset password and authenticator are audited', async () => {
    const admin = await signInNewStaff(t.app, t.database.db, 'admin')
    const member = await signInNewStaff(t.app, t.database.db, 'operator')
    const post = (path: string) => t.app.inject({ method: 'POST', url: `/api/staff/accounts/${member.staffId}/${path}`, headers: bearer(admin.token), payload: {} })
    expect((await post('disable')).statusCode).toBe(204)
    expect((await me(bearer(member.token))).json().code).toBe('STAFF_UNAUTHORIZED')
    nextStep()
    expect((await signIn({ username: member.username, password: STAFF_PASSWORD })).json().code).toBe('INVALID_CREDENTIALS')
    expect((await post('enable')).statusCode).toBe(204)
    const reset = await post('reset-password')
    expect(reset.statusCode).toBe(200)
    const oneTime = reset.json().oneTimePassword as string
    expect((await post('reset-totp')).statusCode).toBe(204)
    // A new QR code at the next sign-in, with the new one-time password.
    const next = await signIn({ username: member.username, password: oneTime })
    expect(next.json().next).toBe('totp_setup')
    expect(next.json().secret).not.toBe(member.totpSecret)
    const audit = await t.database.db.select().from(staffAuditLog).where(eq(staffAuditLog.target, `staff:${member.staffId}`))
    expect(audit.filter((a) => a.staffId === admin.staffId).map((a) => a.action)).toEqual(['staff.disable', 'staff.enable', 'staff.reset_password', 'staff.reset_totp'])
    // An admin cannot disable their own account here.
    const self = await t.app.inject({ method: 'POST', url: `/api/staff/accounts/${admin.staffId}/disable`, headers: bearer(admin.token), payload: {} })
    expect(self.json().code).toBe('STAFF_FORBIDDEN')
    const page = await t.app.inject({ method: 'GET', url: '/api/staff/accounts?page=1&pageSize=2', headers: bearer(admin.token) })
    expect(page.json().items).toHaveLength(2)
    expect(page.json().total).toBeGreaterThan(2)
    expect(JSON.stringify(page.json())).not.toMatch(/scrypt|totp_?secret|v1:/i)
  })
})
