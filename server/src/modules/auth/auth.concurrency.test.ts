import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { PASSWORD, latestCode, newIdNumber, newPhone, registerLearner } from '../../../test/auth-helpers.ts'

/**
 * Races against a listening server with real parallel HTTP requests. On PostgreSQL
 * (TEST_DATABASE_URL) these requests really run at the same time on several connections, which is
 * where a check-then-write throttle leaks; PGlite runs one statement at a time.
 */
let t: TestApp
let other: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false, trustProxy: true })
  // A second server instance on the same database: limits must hold across instances.
  other = await buildTestApp({ database: t.database, seed: false, trustProxy: true })
})
afterAll(async () => {
  await other.close()
  await t.close()
})

let addressSerial = 0
const newAddress = () => `192.0.2.${++addressSerial}`

function post(path: string, body: unknown, address: string, i = 0, headers: Record<string, string> = {}) {
  const base = i % 2 === 0 ? t.baseUrl : other.baseUrl
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...headers },
    body: JSON.stringify(body),
  })
}

const statuses = async (responses: Promise<Response>[]) => (await Promise.all(responses)).map((r) => r.status)
const tally = (list: number[]) => list.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {})

describe('sign-in throttle under parallel guesses', () => {
  it('checks at most five of 30 simultaneous wrong passwords for one account', async () => {
    const learner = await registerLearner(t.app)
    const address = newAddress()
    const answers = await statuses(Array.from({ length: 30 }, (_, i) => post('/api/auth/login', { account: learner.phone, password: `Wrong${i}pass` }, address, i)))
    expect(tally(answers)).toEqual({ 401: 5, 429: 25 })
  })

  it('does not let the right password through as the 21st of 21 simultaneous tries', async () => {
    const learner = await registerLearner(t.app)
    const tries = Array.from({ length: 21 }, (_, i) => (i === 20 ? PASSWORD : `Wrong${i}pass`))
    // Spread over addresses, so only the per-account limit is in play.
    const answers = await statuses(tries.map((password, i) => post('/api/auth/login', { account: learner.idNumber, password }, newAddress(), i)))
    const checked = answers.filter((s) => s !== 429)
    expect(checked).toHaveLength(5)
    // The right password got in only if it was among the five checked; usually it was refused.
    expect(answers.filter((s) => s === 200).length).toBeLessThanOrEqual(1)
    if (answers[20] === 429) expect(answers.filter((s) => s === 200)).toHaveLength(0)
  })

  it('counts phone and ID number against the same account when mixed in parallel', async () => {
    const learner = await registerLearner(t.app)
    const answers = await statuses(
      Array.from({ length: 20 }, (_, i) => post('/api/auth/login', { account: i % 2 ? learner.phone : learner.idNumber, password: `Wrong${i}pass` }, newAddress(), i)),
    )
    expect(tally(answers)).toEqual({ 401: 5, 429: 15 })
  })

  it('checks at most 30 guesses from one address across many accounts', async () => {
    const address = newAddress()
    const answers = await statuses(Array.from({ length: 45 }, (_, i) => post('/api/auth/login', { account: newIdNumber(), password: 'Guess2025a' }, address, i)))
    expect(tally(answers)).toEqual({ 401: 30, 429: 15 })
  }, 120_000)
})

describe('SMS sends under parallel requests', () => {
  it('sends one code for 15 simultaneous requests to one phone', async () => {
    const phone = newPhone()
    const answers = await statuses(Array.from({ length: 15 }, (_, i) => post('/api/auth/sms-codes', { phone, purpose: 'register' }, newAddress(), i)))
    expect(tally(answers)).toEqual({ 200: 1, 429: 14 })
    expect(await latestCode(t.app, phone)).toMatch(/^\d{6}$/)
  })

  it('sends at most 30 an hour from one address, however parallel', async () => {
    const address = newAddress()
    const phones = Array.from({ length: 40 }, () => newPhone())
    const answers = await statuses(phones.map((phone, i) => post('/api/auth/sms-codes', { phone, purpose: 'register' }, address, i)))
    expect(tally(answers)).toEqual({ 200: 30, 429: 10 })
    const delivered = await Promise.all(phones.map((phone) => latestCode(t.app, phone)))
    expect(delivered.filter(Boolean)).toHaveLength(30)
  })

  it('keeps the register and reset codes of one phone to one a minute each', async () => {
    const phone = newPhone()
    const answers = await statuses(
      Array.from({ length: 10 }, (_, i) => post('/api/auth/sms-codes', { phone, purpose: i % 2 ? 'register' : 'reset_password' }, newAddress(), i)),
    )
    // The phone has no account: the reset code is recorded but not delivered.
    expect(tally(answers)).toEqual({ 200: 2, 429: 8 })
  })
})

describe('refresh tokens under parallel requests', () => {
  it('two tabs refreshing at once both stay signed in; the losing sibling dies once the other is used', async () => {
    const learner = await registerLearner(t.app)
    const cookie = { cookie: `jx_rt=${learner.refreshCookie}` }
    const [a, b] = await Promise.all([0, 1].map((i) => fetch(`${i ? other.baseUrl : t.baseUrl}/api/auth/refresh`, { method: 'POST', headers: cookie })))
    expect([a?.status, b?.status]).toEqual([200, 200])
    const token = (res: Response) => /jx_rt=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] as string
    const [tokenA, tokenB] = [token(a as Response), token(b as Response)]
    expect(tokenA).not.toBe(tokenB)
    const refresh = (value: string) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { jx_rt: value } })
    expect((await refresh(tokenB)).statusCode).toBe(200)
    t.clock.advance(10_000)
    // The browser kept B; A turning up later is a copy: the whole session ends.
    expect((await refresh(tokenA)).statusCode).toBe(401)
    expect((await refresh(learner.refreshCookie)).statusCode).toBe(401)
  })
})

describe('修改密码 racing the other devices (ACC-2, security.md)', () => {
  const NEW_PASSWORD = 'Jiangbei2026'
  const call = (base: string, method: string, path: string, init: { token?: string; cookie?: string; body?: unknown } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        'x-forwarded-for': newAddress(),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.cookie ? { cookie: `jx_rt=${init.cookie}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
  const rtOf = (res: Response) => /jx_rt=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? ''
  const signIn = async (account: string, password = PASSWORD) => {
    const res = await call(other.baseUrl, 'POST', '/api/auth/login', { body: { account, password } })
    return { status: res.status, accessToken: res.ok ? ((await res.json()) as { accessToken: string }).accessToken : '', refreshCookie: rtOf(res) }
  }
  const meStatus = async (token: string) => (await call(t.baseUrl, 'GET', '/api/me', { token })).status
  const refreshStatus = async (cookie: string) => (await call(other.baseUrl, 'POST', '/api/auth/refresh', { cookie })).status
  const changeOn = (base: string, token: string, newPassword = NEW_PASSWORD) =>
    call(base, 'PUT', '/api/me/password', { token, body: { currentPassword: PASSWORD, newPassword } })

  it('a refresh on B at the same moment as 修改密码 on A never leaves B signed in', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const learner = await registerLearner(t.app)
        const b = await signIn(learner.phone)
        expect(b.status).toBe(200)
        // B refreshes on one instance and calls the API, while A changes the password on the other.
        const [changed, refreshed, used] = await Promise.all([
          changeOn(t.baseUrl, learner.accessToken),
          call(other.baseUrl, 'POST', '/api/auth/refresh', { cookie: b.refreshCookie }),
          call(other.baseUrl, 'GET', '/api/me', { token: b.accessToken }),
        ])
        expect(changed.status).toBe(204)
        expect([200, 401]).toContain(used.status)
        // Whatever B got in the race, nothing it holds works any more.
        expect(await meStatus(b.accessToken)).toBe(401)
        expect(await refreshStatus(b.refreshCookie)).toBe(401)
        if (refreshed.status === 200) {
          const renewed = (await refreshed.json()) as { accessToken: string }
          expect(await meStatus(renewed.accessToken)).toBe(401)
          expect(await refreshStatus(rtOf(refreshed))).toBe(401)
        } else {
          expect(refreshed.status).toBe(401)
        }
        // A stays signed in.
        expect(await meStatus(learner.accessToken)).toBe(200)
        expect(await refreshStatus(learner.refreshCookie)).toBe(200)
        return refreshed.status
      }),
    )
    expect(rounds).toHaveLength(5)
  }, 180_000)

  it('a sign-in with the old password at the same moment as 修改密码 never yields a live session', async () => {
    // Aim the sign-ins at the change's commit: time one change, then start sign-ins spread across
    // that span (no assertion on time; it only makes the interleaving likely).
    const probe = await registerLearner(t.app)
    const started = performance.now()
    expect((await changeOn(t.baseUrl, probe.accessToken)).status).toBe(204)
    const span = performance.now() - started
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const learner = await registerLearner(t.app)
        const lateSignIn = (fraction: number) =>
          new Promise<void>((resolve) => setTimeout(resolve, span * fraction)).then(() => signIn(learner.idNumber))
        const [changed, ...late] = await Promise.all([changeOn(t.baseUrl, learner.accessToken), ...[0.2, 0.45, 0.7, 0.95].map(lateSignIn)])
        expect(changed.status).toBe(204)
        // Each is either refused (the change committed first) or opened and then ended by the change.
        for (const attempt of late) {
          if (attempt.status === 200) {
            expect(await meStatus(attempt.accessToken)).toBe(401)
            expect(await refreshStatus(attempt.refreshCookie)).toBe(401)
          } else {
            expect(attempt.status).toBe(401)
          }
        }
        expect(await meStatus(learner.accessToken)).toBe(200)
      }),
    )
  }, 180_000)

  it('two devices changing the password at once: one wins, the other device is signed out', async () => {
    const learner = await registerLearner(t.app)
    const b = await signIn(learner.phone)
    const [fromA, fromB] = await Promise.all([changeOn(t.baseUrl, learner.accessToken, 'Yuzhong2026a'), changeOn(other.baseUrl, b.accessToken, 'Nanan2026bb')])
    const statuses = [fromA.status, fromB.status].sort()
    expect(statuses[0]).toBe(204)
    // The loser was either signed out before its request was checked (401) or found the password changed (400).
    expect([400, 401]).toContain(statuses[1])
    const [winner, loser] = fromA.status === 204 ? [learner.accessToken, b.accessToken] : [b.accessToken, learner.accessToken]
    const winningPassword = fromA.status === 204 ? 'Yuzhong2026a' : 'Nanan2026bb'
    expect(await meStatus(winner)).toBe(200)
    expect(await meStatus(loser)).toBe(401)
    expect((await signIn(learner.phone, winningPassword)).status).toBe(200)
  }, 120_000)
})
