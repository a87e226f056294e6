import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { PASSWORD, bearer, cookieValue, registerLearner, type Registered } from '../../../test/auth-helpers.ts'
import { resetPasswordByStaff } from './password-change.service.ts'
import { endOtherSessions, openSession } from './sessions.service.ts'
import { findUserById } from './users.repository.ts'

/**
 * 修改密码 ends the account's other sessions at once (ACC-2, security.md): the other devices' access tokens
 * answer 401 from their next request and their refresh tokens are refused, each saying why; the
 * device that changed the password stays signed in. A staff reset ends every session.
 */
let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

interface Device {
  accessToken: string
  refreshCookie: string
}

const NEW_PASSWORD = 'Jiangbei2026'

async function signIn(account: string, password = PASSWORD): Promise<Device> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password } })
  expect(res.statusCode).toBe(200)
  return { accessToken: res.json().accessToken as string, refreshCookie: cookieValue(res, 'jx_rt') as string }
}
const me = (device: Device) => t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(device.accessToken) })
const refresh = (device: Device) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: device.refreshCookie } })
const changePassword = (device: Device, currentPassword: string, newPassword: string) =>
  t.app.inject({ method: 'PUT', url: '/api/me/password', headers: bearer(device.accessToken), payload: { currentPassword, newPassword } })
const deviceOf = (learner: Registered): Device => ({ accessToken: learner.accessToken, refreshCookie: learner.refreshCookie })

describe('修改密码 ends the other sessions', () => {
  it('signs every other device out at once, says why, and keeps the device that changed it', async () => {
    const learner = await registerLearner(t.app)
    const a = deviceOf(learner)
    const b = await signIn(learner.phone)
    const c = await signIn(learner.idNumber)
    expect((await me(b)).statusCode).toBe(200)

    expect((await changePassword(a, PASSWORD, NEW_PASSWORD)).statusCode).toBe(204)

    for (const device of [b, c]) {
      const refused = await me(device)
      expect(refused.statusCode).toBe(401)
      expect(refused.json()).toMatchObject({ code: 'SESSION_ENDED_PASSWORD_CHANGED', message: '您的账号已在其他设备修改密码，请重新登录' })
      const noRefresh = await refresh(device)
      expect(noRefresh.statusCode).toBe(401)
      expect(noRefresh.json().code).toBe('SESSION_ENDED_PASSWORD_CHANGED')
      // The dead cookie is cleared, so the browser stops presenting it.
      expect(noRefresh.cookies.find((cookie) => cookie.name === 'jx_rt')?.value).toBe('')
    }
    // Device A carries on: its access token works and its refresh token still rotates.
    expect((await me(a)).statusCode).toBe(200)
    const rotated = await refresh(a)
    expect(rotated.statusCode).toBe(200)
    expect((await me({ accessToken: rotated.json().accessToken as string, refreshCookie: '' })).statusCode).toBe(200)
    // Only the new password opens a new session.
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: learner.phone, password: PASSWORD } })).statusCode).toBe(401)
    expect((await me(await signIn(learner.phone, NEW_PASSWORD))).statusCode).toBe(200)
  })

  it('ends nothing when the current password is wrong', async () => {
    const learner = await registerLearner(t.app)
    const b = await signIn(learner.phone)
    const wrong = await changePassword(deviceOf(learner), 'NotMine2025', NEW_PASSWORD)
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().code).toBe('CURRENT_PASSWORD_WRONG')
    expect((await me(b)).statusCode).toBe(200)
    expect((await refresh(b)).statusCode).toBe(200)
  })

  it('touches no other account', async () => {
    const learner = await registerLearner(t.app)
    const neighbour = await registerLearner(t.app)
    expect((await changePassword(deviceOf(learner), PASSWORD, NEW_PASSWORD)).statusCode).toBe(204)
    expect((await me(deviceOf(neighbour))).statusCode).toBe(200)
    expect((await refresh(deviceOf(neighbour))).statusCode).toBe(200)
  })

  it('a device signed out by the change cannot change the password back', async () => {
    const learner = await registerLearner(t.app)
    const b = await signIn(learner.phone)
    expect((await changePassword(deviceOf(learner), PASSWORD, NEW_PASSWORD)).statusCode).toBe(204)
    const back = await changePassword(b, NEW_PASSWORD, 'Shapingba2026')
    expect(back.statusCode).toBe(401)
    expect(back.json().code).toBe('SESSION_ENDED_PASSWORD_CHANGED')
    expect((await me(await signIn(learner.phone, NEW_PASSWORD))).statusCode).toBe(200)
  })

  it('refuses to open a session for a sign-in whose password check predates the change', async () => {
    // The interleaving the race test aims at, made certain: the old password was checked (its hash
    // read) just before 修改密码 committed, and the session is opened just after.
    const learner = await registerLearner(t.app)
    const checked = await findUserById(t.database.db, learner.userId)
    expect((await changePassword(deviceOf(learner), PASSWORD, NEW_PASSWORD)).statusCode).toBe(204)
    await expect(openSession(t.database.db, learner.userId, { method: 'password', passwordHash: checked?.passwordHash ?? '' }, t.clock.now)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    })
    const fresh = await findUserById(t.database.db, learner.userId)
    expect((await openSession(t.database.db, learner.userId, { method: 'password', passwordHash: fresh?.passwordHash ?? '' }, t.clock.now)).refreshToken).toBeTruthy()
  })

  it('endOtherSessions keeps only the named session and reports how many ended', async () => {
    const learner = await registerLearner(t.app)
    await signIn(learner.phone)
    await signIn(learner.phone)
    const keep = JSON.parse(Buffer.from(learner.accessToken.split('.')[1] as string, 'base64url').toString()) as { sid: string }
    expect(await endOtherSessions(t.database.db, learner.userId, keep.sid, 'password_changed', t.clock.now)).toBe(2)
    expect(await endOtherSessions(t.database.db, learner.userId, keep.sid, 'password_changed', t.clock.now)).toBe(0)
    expect((await me(deviceOf(learner))).statusCode).toBe(200)
  })
})

describe('a staff password reset (resetPasswordByStaff)', () => {
  it('ends every session of the learner, says why, and makes the new password an initial one', async () => {
    const learner = await registerLearner(t.app)
    const a = deviceOf(learner)
    const b = await signIn(learner.phone)
    const staffPassword = 'Kefu20261205'

    expect(await resetPasswordByStaff(t.database.db, learner.userId, staffPassword, t.clock.now)).toBe(2)

    for (const device of [a, b]) {
      const refused = await me(device)
      expect(refused.statusCode).toBe(401)
      expect(refused.json()).toMatchObject({ code: 'SESSION_ENDED_PASSWORD_RESET_BY_STAFF', message: '您的密码已由工作人员重置，请使用新密码重新登录' })
      expect((await refresh(device)).json().code).toBe('SESSION_ENDED_PASSWORD_RESET_BY_STAFF')
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: learner.phone, password: PASSWORD } })).statusCode).toBe(401)
    const after = await signIn(learner.phone, staffPassword)
    expect((await me(after)).json().mustChangePassword).toBe(true)
    // Until the learner replaces it, the staff-set password opens nothing but 我的 and 修改密码.
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(after.accessToken) })).json().code).toBe('PASSWORD_CHANGE_REQUIRED')
    expect((await changePassword(after, staffPassword, NEW_PASSWORD)).statusCode).toBe(204)
    expect((await me(after)).json().mustChangePassword).toBe(false)
  })
})
