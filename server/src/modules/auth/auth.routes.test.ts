import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { CONSENTS, PASSWORD, bearer, cookieValue, latestCode, newIdNumber, newPhone, registerLearner, sendCode } from '../../../test/auth-helpers.ts'

let t: TestApp
const logLines: string[] = []
beforeAll(async () => {
  t = await buildTestApp({
    seed: false,
    deps: {
      logger: true,
      logStream: new Writable({
        write(chunk, _enc, done) {
          logLines.push(String(chunk))
          done()
        },
      }),
    },
  })
})
afterAll(async () => t.close())

const login = (account: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password }, remoteAddress: ip })

describe('register (ACC-1)', () => {
  it('creates the account from a valid form and signs the learner in with masked data', async () => {
    const phone = newPhone()
    const idNumber = newIdNumber()
    expect((await sendCode(t.app, phone)).statusCode).toBe(200)
    const smsCode = await latestCode(t.app, phone)
    expect(smsCode).toMatch(/^\d{6}$/)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: ' 李 四 ', idNumber: ` ${idNumber.toLowerCase()} `, phone, smsCode, password: PASSWORD, ...CONSENTS },
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.accessToken).toBeTruthy()
    expect(body.user.idNumberMasked).toBe(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`)
    expect(body.user.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`)
    const cookie = res.cookies.find((c) => c.name === 'jx_rt')
    expect(cookie).toMatchObject({ httpOnly: true, path: '/api/auth', sameSite: 'Lax' })
    // the ID number was stored upper-cased and trimmed: signing in with it works
    expect((await login(idNumber, PASSWORD)).statusCode).toBe(200)
  })

  it('says exactly what is wrong with an ID number and creates nothing', async () => {
    const phone = newPhone()
    await sendCode(t.app, phone)
    const smsCode = await latestCode(t.app, phone)
    const valid = newIdNumber()
    const wrongCheck = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: '王五', idNumber: wrongCheck, phone, smsCode, password: PASSWORD, ...CONSENTS },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'ID_NUMBER_INVALID' })
    expect(res.json().message).toBe('身份证号码校验位（最后一位）不正确，请核对')
    // the code was not consumed by the refused form, and no account exists
    expect((await login(phone, PASSWORD)).statusCode).toBe(401)
  })

  it('refuses a second account for the same ID number or phone and changes nothing', async () => {
    const first = await registerLearner(t.app)
    const phone = newPhone()
    await sendCode(t.app, phone)
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: '赵六', idNumber: first.idNumber, phone, smsCode: await latestCode(t.app, phone), password: 'Another2025', ...CONSENTS },
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('ID_NUMBER_TAKEN')
    t.clock.advance(61_000)
    await sendCode(t.app, first.phone)
    const samePhone = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: '赵六', idNumber: newIdNumber(), phone: first.phone, smsCode: await latestCode(t.app, first.phone), password: 'Another2025', ...CONSENTS },
    })
    expect(samePhone.statusCode).toBe(409)
    expect(samePhone.json().code).toBe('PHONE_TAKEN')
    expect((await login(first.idNumber, PASSWORD)).statusCode).toBe(200)
    expect((await login(first.idNumber, 'Another2025')).statusCode).toBe(401)
  })

  it('does not tell a taken ID number or phone apart from a new one without a real SMS code', async () => {
    const first = await registerLearner(t.app)
    const probe = (idNumber: string, phone: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { realName: '赵六', idNumber, phone, smsCode: '123456', password: 'Another2025', ...CONSENTS },
        remoteAddress: '10.7.0.1',
      })
    const answers = [await probe(first.idNumber, newPhone()), await probe(newIdNumber(), first.phone), await probe(newIdNumber(), newPhone())]
    for (const res of answers) {
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('SMS_CODE_INVALID')
    }
  })

  it('throttles registration attempts per address, before the SMS code is checked', async () => {
    const payload = { realName: '赵六', idNumber: newIdNumber(), phone: newPhone(), smsCode: '123456', password: 'Another2025', ...CONSENTS }
    const codes: string[] = []
    for (let i = 0; i < 31; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload, remoteAddress: '10.7.0.2' })
      codes.push(res.json().code)
    }
    expect(codes.filter((c) => c === 'SMS_CODE_INVALID')).toHaveLength(30)
    const last = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload, remoteAddress: '10.7.0.2' })
    expect(last.statusCode).toBe(429)
    expect(last.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect(last.json().retryAfterSeconds).toBeGreaterThan(0)
    expect(last.headers['retry-after']).toBe(String(last.json().retryAfterSeconds))
  })

  it('refuses weak passwords and wrong names with Chinese reasons', async () => {
    const phone = newPhone()
    await sendCode(t.app, phone)
    const smsCode = await latestCode(t.app, phone)
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: '王五', idNumber: newIdNumber(), phone, smsCode, password: '12345678' },
    })
    expect(weak.json()).toMatchObject({ statusCode: 400, code: 'PASSWORD_WEAK', message: '密码须同时包含字母和数字' })
    const name = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: 'x1', idNumber: newIdNumber(), phone, smsCode, password: PASSWORD, ...CONSENTS },
    })
    expect(name.json().code).toBe('REAL_NAME_INVALID')
  })
})

describe('SMS codes', () => {
  it('are single-use', async () => {
    const learner = await registerLearner(t.app)
    const phone = newPhone()
    // reuse the learner's consumed code for a new registration attempt
    const code = await latestCode(t.app, learner.phone)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: '钱七', idNumber: newIdNumber(), phone, smsCode: code, password: PASSWORD, ...CONSENTS },
    })
    expect(res.json().code).toBe('SMS_CODE_INVALID')
  })

  it('end together: once the newest code is used, an older one texted earlier does not work either', async () => {
    const learner = await registerLearner(t.app)
    await sendCode(t.app, learner.phone, 'reset_password')
    const older = (await latestCode(t.app, learner.phone, 'reset_password')) as string
    t.clock.advance(61_000)
    await sendCode(t.app, learner.phone, 'reset_password')
    // A reset code is delivered after the answer (not awaited): wait until the outbox holds the newer one.
    let newer = older
    for (let attempt = 0; newer === older && attempt < 40; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      newer = (await latestCode(t.app, learner.phone, 'reset_password')) as string
    }
    const reset = (smsCode: string, newPassword: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { phone: learner.phone, smsCode, newPassword } })
    expect((await reset(newer, 'NewPass2026')).statusCode).toBe(204)
    const replay = await reset(older, 'Thief2026x')
    expect(replay.json().code).toBe('RESET_FAILED')
    expect((await login(learner.phone, 'Thief2026x')).statusCode).toBe(401)
  })

  it('expire after 5 minutes', async () => {
    const phone = newPhone()
    await sendCode(t.app, phone)
    const smsCode = await latestCode(t.app, phone)
    t.clock.advance(5 * 60_000 + 1000)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { realName: '孙八', idNumber: newIdNumber(), phone, smsCode, password: PASSWORD, ...CONSENTS },
    })
    expect(res.json().code).toBe('SMS_CODE_INVALID')
  })

  it('burn after five wrong guesses, even for the right code afterwards', async () => {
    const phone = newPhone()
    await sendCode(t.app, phone)
    const smsCode = (await latestCode(t.app, phone)) as string
    const wrong = smsCode === '000000' ? '111111' : '000000'
    const payload = { realName: '周九', idNumber: newIdNumber(), phone, password: PASSWORD, ...CONSENTS }
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { ...payload, smsCode: wrong } })
      expect(r.json().code).toBe('SMS_CODE_INVALID')
    }
    const right = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { ...payload, smsCode } })
    expect(right.json().code).toBe('SMS_CODE_INVALID')
  })

  it('are limited to one a minute and ten a day per phone', async () => {
    const phone = newPhone()
    expect((await sendCode(t.app, phone)).statusCode).toBe(200)
    const tooSoon = await sendCode(t.app, phone)
    expect(tooSoon.statusCode).toBe(429)
    expect(tooSoon.json()).toMatchObject({ code: 'SMS_TOO_FREQUENT' })
    expect(tooSoon.json().message).toMatch(/秒后再试/)
    // The wait is a field of the answer (and Retry-After), so the H5 never parses the message.
    expect(tooSoon.json().retryAfterSeconds).toBeGreaterThan(50)
    expect(tooSoon.json().retryAfterSeconds).toBeLessThanOrEqual(60)
    expect(tooSoon.headers['retry-after']).toBe(String(tooSoon.json().retryAfterSeconds))
    for (let i = 1; i < 10; i++) {
      t.clock.advance(61_000)
      expect((await sendCode(t.app, phone)).statusCode).toBe(200)
    }
    t.clock.advance(61_000)
    const overDaily = await sendCode(t.app, phone)
    expect(overDaily.statusCode).toBe(429)
    expect(overDaily.json().code).toBe('SMS_DAILY_LIMIT')
  })

  it('refuses a malformed phone', async () => {
    const res = await sendCode(t.app, '12345')
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('PHONE_INVALID')
  })
})

describe('sign in (ACC-2)', () => {
  it('works with the ID number or the phone', async () => {
    const learner = await registerLearner(t.app)
    expect((await login(learner.idNumber, PASSWORD)).statusCode).toBe(200)
    expect((await login(learner.phone, PASSWORD)).statusCode).toBe(200)
  })

  it('answers unknown account and wrong password identically', async () => {
    const learner = await registerLearner(t.app)
    const unknown = await login(newIdNumber(), PASSWORD, '10.0.0.2')
    const wrong = await login(learner.idNumber, 'Wrong2025x', '10.0.0.2')
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' })
    }
  })

  it('throttles an account after five failures, even for the right password, until the lock ends', async () => {
    const learner = await registerLearner(t.app)
    for (let i = 0; i < 5; i++) expect((await login(learner.phone, `Wrong${i}abc1`, `10.1.0.${i}`)).statusCode).toBe(401)
    const locked = await login(learner.phone, PASSWORD, '10.1.1.1')
    expect(locked.statusCode).toBe(429)
    expect(locked.json().code).toBe('LOGIN_THROTTLED')
    expect(locked.json().message).toMatch(/忘记密码/)

    // The lock lives in the database: another server instance on the same database sees it.
    const other = await buildTestApp({ database: t.database })
    expect((await other.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: learner.phone, password: PASSWORD } })).statusCode).toBe(429)
    await other.close()

    t.clock.advance(15 * 60_000 + 1000)
    expect((await login(learner.phone, PASSWORD, '10.1.1.1')).statusCode).toBe(200)
  })

  it('keys the lock by the account, whichever identifier was typed', async () => {
    const learner = await registerLearner(t.app)
    for (let i = 0; i < 5; i++) expect((await login(learner.phone, `Wrong${i}abc1`, `10.2.0.${i}`)).statusCode).toBe(401)
    const byIdNumber = await login(learner.idNumber.toLowerCase(), PASSWORD, '10.2.1.1')
    expect(byIdNumber.statusCode).toBe(429)
    expect(byIdNumber.json().retryAfterSeconds).toBeGreaterThan(14 * 60)
  })

  it('locks unknown accounts the same way (no enumeration through the lock)', async () => {
    const unknown = newIdNumber()
    for (let i = 0; i < 5; i++) expect((await login(unknown, `Wrong${i}abc1`, `10.3.0.${i}`)).statusCode).toBe(401)
    expect((await login(unknown, PASSWORD, '10.3.1.1')).json().code).toBe('LOGIN_THROTTLED')
  })

  it('never locks the learner out: 忘记密码 by SMS works during a lock and ends it', async () => {
    const learner = await registerLearner(t.app)
    for (let i = 0; i < 6; i++) await login(learner.phone, `Wrong${i}abc1`, `10.4.0.${i}`)
    expect((await login(learner.phone, PASSWORD, '10.4.1.1')).statusCode).toBe(429)
    t.clock.advance(61_000)
    await sendCode(t.app, learner.phone, 'reset_password')
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { phone: learner.phone, smsCode: await latestCode(t.app, learner.phone, 'reset_password'), newPassword: 'NewPass2026' },
    })
    expect(reset.statusCode).toBe(204)
    expect((await login(learner.idNumber, 'NewPass2026', '10.4.1.1')).statusCode).toBe(200)
  })

  it('refuses a control character in the account with a 400, not a database error', async () => {
    const res = await login('5001\u0000031985', PASSWORD)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
  })

  it('throttles a client address that guesses across many accounts', async () => {
    for (let i = 0; i < 30; i++) await login(newIdNumber(), 'Guess2025a', '10.9.9.9')
    const learner = await registerLearner(t.app)
    expect((await login(learner.phone, PASSWORD, '10.9.9.9')).statusCode).toBe(429)
    expect((await login(learner.phone, PASSWORD, '10.9.9.8')).statusCode).toBe(200)
  }, 120_000)
})

describe('sessions', () => {
  it('answers a refresh without any cookie (a signed-out first visit) with 204, not an error status', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/refresh' })
    expect(res.statusCode).toBe(204)
    expect(res.body).toBe('')
  })
  const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: token } })

  it('rotates the refresh token and ends the session when an old one is replayed', async () => {
    const learner = await registerLearner(t.app)
    const first = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: learner.refreshCookie } })
    expect(first.statusCode).toBe(200)
    const rotated = cookieValue(first, 'jx_rt') as string
    expect(rotated).not.toBe(learner.refreshCookie)
    t.clock.advance(30_000)
    const second = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: rotated } })
    const latest = cookieValue(second, 'jx_rt') as string
    t.clock.advance(30_000)
    // A copy of the first token, presented after its successor was used: theft.
    const replay = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: learner.refreshCookie } })
    expect(replay.statusCode).toBe(401)
    // The replay revoked the whole session: the latest token and the access token die too.
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: latest } })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(second.json().accessToken) })).statusCode).toBe(401)
  })

  it('a thief replaying a rotated token after the grace revokes the whole family (victim active)', async () => {
    const victim = await registerLearner(t.app)
    const stolen = victim.refreshCookie
    const rotated = await refresh(stolen)
    expect(rotated.statusCode).toBe(200)
    const victimToken = cookieValue(rotated, 'jx_rt') as string
    t.clock.advance(10_000)
    expect((await refresh(stolen)).statusCode).toBe(401)
    expect((await refresh(victimToken)).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(rotated.json().accessToken) })).statusCode).toBe(401)
  })

  it('a thief who rotates first loses everything when the idle victim comes back', async () => {
    const victim = await registerLearner(t.app)
    const thief = await refresh(victim.refreshCookie)
    expect(thief.statusCode).toBe(200)
    const thiefToken = cookieValue(thief, 'jx_rt') as string
    t.clock.advance(60_000)
    // The victim's browser still holds the token the thief already rotated.
    expect((await refresh(victim.refreshCookie)).statusCode).toBe(401)
    expect((await refresh(thiefToken)).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(thief.json().accessToken) })).statusCode).toBe(401)
  })

  it('survives an answer lost a moment ago; the successor it never received dies', async () => {
    const learner = await registerLearner(t.app)
    const lost = await refresh(learner.refreshCookie)
    expect(lost.statusCode).toBe(200)
    const neverReceived = cookieValue(lost, 'jx_rt') as string
    t.clock.advance(2_000)
    const retried = await refresh(learner.refreshCookie)
    expect(retried.statusCode).toBe(200)
    const current = cookieValue(retried, 'jx_rt') as string
    const next = await refresh(current)
    expect(next.statusCode).toBe(200)
    // The lost answer's token turning up later is a copy: the session ends.
    t.clock.advance(60_000)
    expect((await refresh(neverReceived)).statusCode).toBe(401)
    expect((await refresh(cookieValue(next, 'jx_rt') as string)).statusCode).toBe(401)
  })

  it('accepts a rotated token again only within a few seconds', async () => {
    const learner = await registerLearner(t.app)
    expect((await refresh(learner.refreshCookie)).statusCode).toBe(200)
    t.clock.advance(6_000)
    expect((await refresh(learner.refreshCookie)).statusCode).toBe(401)
  })

  it('signs out: the access token and refresh cookie stop working', async () => {
    const learner = await registerLearner(t.app)
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { jx_rt: learner.refreshCookie } })
    expect(out.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(learner.accessToken) })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: learner.refreshCookie } })).statusCode).toBe(401)
  })

  it('answers 401 to any forged or malformed access token', async () => {
    const learner = await registerLearner(t.app)
    const [header, payload] = learner.accessToken.split('.') as [string, string]
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url')
    const forged = [
      `${none}.${payload}.c2lnbmF0dXJl`,
      `${none}.${payload}.`,
      `${hs512}.${payload}.c2lnbmF0dXJl`,
      `${header}.${payload}.AAAA`,
      'not-a-jwt',
      `${header}.%%%.\u0000`,
    ]
    for (const token of forged) {
      const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } })
      expect(res.statusCode, token).toBe(401)
      expect(res.json().code).toBe('UNAUTHORIZED')
    }
  })

  it('refuses /api/me without a token, with the one error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/me' })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED', message: '请先登录' })
  })
})

describe('forgotten password (ACC-3)', () => {
  it('sets a new password by phone + code and ends every older session', async () => {
    const learner = await registerLearner(t.app)
    t.clock.advance(61_000)
    await sendCode(t.app, learner.phone, 'reset_password')
    const smsCode = await latestCode(t.app, learner.phone, 'reset_password')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { phone: learner.phone, smsCode, newPassword: 'NewPass2026' },
    })
    expect(res.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(learner.accessToken) })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: learner.refreshCookie } })).statusCode).toBe(401)
    expect((await login(learner.phone, PASSWORD)).statusCode).toBe(401)
    expect((await login(learner.phone, 'NewPass2026')).statusCode).toBe(200)
  })

  it('checks the SMS code before the account-dependent password rule (no ID-number oracle)', async () => {
    const learner = await registerLearner(t.app)
    // The ID number's last six in the new password is refused only for the account's own code holder.
    const withIdTail = `Ab${learner.idNumber.slice(-6)}`
    const guess = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { phone: learner.phone, smsCode: '000000', newPassword: withIdTail },
      remoteAddress: '10.6.0.1',
    })
    expect(guess.json().code).toBe('RESET_FAILED')
    t.clock.advance(61_000)
    await sendCode(t.app, learner.phone, 'reset_password')
    const smsCode = (await latestCode(t.app, learner.phone, 'reset_password')) as string
    const weak = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { phone: learner.phone, smsCode, newPassword: withIdTail } })
    expect(weak.json().code).toBe('PASSWORD_WEAK')
    // The code survives the refused password for the corrected try.
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { phone: learner.phone, smsCode, newPassword: 'NewPass2026' } })
    expect(ok.statusCode).toBe(204)
  })

  it('throttles reset attempts per address', async () => {
    const payload = { phone: newPhone(), smsCode: '123456', newPassword: 'NewPass2026' }
    for (let i = 0; i < 30; i++) {
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload, remoteAddress: '10.6.0.2' })).json().code).toBe('RESET_FAILED')
    }
    const refused = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload, remoteAddress: '10.6.0.2' })
    expect(refused.statusCode).toBe(429)
  }, 120_000)

  it('does not reveal whether a phone has an account, and points to customer service on failure', async () => {
    const phone = newPhone()
    const sent = await sendCode(t.app, phone, 'reset_password')
    expect(sent.statusCode).toBe(200)
    expect(await latestCode(t.app, phone, 'reset_password')).toBeUndefined()
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { phone, smsCode: '123456', newPassword: 'NewPass2026' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('RESET_FAILED')
    expect(res.json().message).toContain('400-023-9229')
  })
})

describe('profile (ACC-6)', () => {
  it('shows the learner their own account with ID number and phone masked', async () => {
    const learner = await registerLearner(t.app, { realName: '陈一' })
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(learner.accessToken) })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ realName: '陈一', wechatBound: false, certificateDataLocked: false })
    expect(res.body).not.toContain(learner.idNumber)
    expect(res.body).not.toContain(learner.phone)
  })
})

describe('logs', () => {
  it('never contain a full ID number, phone number or password', async () => {
    const learner = await registerLearner(t.app)
    await login(learner.phone, 'WrongPass1', '10.5.5.5')
    await t.app.inject({ method: 'GET', url: `/api/dev/sms-outbox?phone=${learner.phone}` })
    const all = logLines.join('\n')
    expect(all.length).toBeGreaterThan(0)
    expect(all).not.toContain(learner.idNumber)
    expect(all).not.toContain(learner.phone)
    expect(all).not.toContain(PASSWORD)
  })
})
