import { and, eq } from 'drizzle-orm'
import { PRIVACY_POLICY_VERSION } from '@app/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { PASSWORD, bearer, latestCode, newIdNumber, newPhone, registerLearner, sendCode } from '../../../test/auth-helpers.ts'
import { consents } from '../../db/schema.ts'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp({ seed: false })
})
afterAll(async () => t.close())

async function registerWith(extra: Record<string, unknown>) {
  const phone = newPhone()
  const idNumber = newIdNumber()
  await sendCode(t.app, phone)
  const smsCode = await latestCode(t.app, phone)
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { realName: '李四', idNumber, phone, smsCode, password: PASSWORD, ...extra } })
  return { res, phone, idNumber }
}

const login = (account: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account, password: PASSWORD } })

describe('consent at 注册 (隐私政策 and the separate ID-number consent)', () => {
  it('refuses registration without both consents and creates no account', async () => {
    for (const extra of [{}, { agreePolicy: true }, { consentSensitiveId: true }, { agreePolicy: true, consentSensitiveId: false }]) {
      const { res, phone } = await registerWith(extra)
      expect([res.statusCode, res.json().code]).toEqual([400, 'CONSENT_MISSING'])
      expect(res.json().message).toBe('请阅读并勾选同意《隐私政策》，并单独同意处理您的身份证号（敏感个人信息）')
      expect((await login(phone)).statusCode).toBe(401)
    }
  })

  it('records both consents with the policy version and the time of registration', async () => {
    const before = t.clock.now
    const { res } = await registerWith({ agreePolicy: true, consentSensitiveId: true })
    expect(res.statusCode).toBe(201)
    const userId = res.json().user.id as number
    const rows = await t.database.db.select().from(consents).where(eq(consents.userId, userId))
    expect(rows.map((r) => r.kind).sort()).toEqual(['policy', 'sensitive_id'])
    for (const row of rows) {
      expect(row.policyVersion).toBe(PRIVACY_POLICY_VERSION)
      expect(row.client).toBe('register')
      expect(row.grantedAt.getTime()).toBe(before.getTime())
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: bearer(res.json().accessToken) })).statusCode).toBe(200)
  })
})

describe('consent asked again after sign-in', () => {
  it('answers 403 CONSENT_REQUIRED to an account whose consent is for an older version, until it consents', async () => {
    const learner = await registerLearner(t.app)
    // As if the account had agreed to an older policy only.
    await t.database.db.update(consents).set({ policyVersion: '2020-01-01' }).where(eq(consents.userId, learner.userId))
    const session = await login(learner.phone)
    expect(session.statusCode).toBe(200)
    const auth = bearer(session.json().accessToken)
    for (const url of ['/api/orders', '/api/certificates', '/api/learning/plans']) {
      const refused = await t.app.inject({ method: 'GET', url, headers: auth })
      expect([url, refused.statusCode, refused.json().code]).toEqual([url, 403, 'CONSENT_REQUIRED'])
      expect(refused.json().message).toBe('请先阅读并同意《隐私政策》及个人敏感信息处理规则，再继续使用')
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth })).statusCode).toBe(200)

    const half = await t.app.inject({ method: 'POST', url: '/api/me/consents', headers: auth, payload: { agreePolicy: true, consentSensitiveId: false } })
    expect([half.statusCode, half.json().code]).toEqual([400, 'CONSENT_MISSING'])
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: auth })).json().code).toBe('CONSENT_REQUIRED')

    t.clock.advance(60_000)
    const given = await t.app.inject({ method: 'POST', url: '/api/me/consents', headers: auth, payload: { agreePolicy: true, consentSensitiveId: true } })
    expect(given.statusCode).toBe(204)
    const rows = await t.database.db
      .select()
      .from(consents)
      .where(and(eq(consents.userId, learner.userId), eq(consents.policyVersion, PRIVACY_POLICY_VERSION)))
    expect(rows.map((r) => [r.kind, r.client, r.grantedAt.getTime()]).sort()).toEqual([
      ['policy', 'consent-page', t.clock.now.getTime()],
      ['sensitive_id', 'consent-page', t.clock.now.getTime()],
    ])
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: auth })).statusCode).toBe(200)
  })

  it('asks an account with no recorded consent at all (created before consents were recorded)', async () => {
    const learner = await registerLearner(t.app)
    await t.database.db.delete(consents).where(eq(consents.userId, learner.userId))
    const auth = bearer((await login(learner.idNumber)).json().accessToken)
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: auth })).json().code).toBe('CONSENT_REQUIRED')
  })
})
