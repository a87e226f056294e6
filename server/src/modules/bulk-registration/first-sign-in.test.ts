import ExcelJS from 'exceljs'
import { idNumberCheckChar } from '@app/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { devSmsOutbox, users } from '../../db/schema.ts'
import { createDevOutboxProvider } from '../auth/dev-sms-outbox.adapter.ts'
import { registerSheet } from './bulk-registration.service.ts'
import { sentTo } from '../auth/dev-sms-outbox.repository.ts'
import { phoneIs } from '../auth/users.repository.ts'

let t: TestApp
const first17 = '50010519851231002'
const ID = first17 + idNumberCheckChar(first17)
const PHONE = '13700000001'

beforeAll(async () => {
  t = await buildTestApp({ seed: false })
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('附件2')
  sheet.addRow(['姓名', '身份证号', '手机号', '单位'])
  sheet.addRow(['陈一', ID, PHONE, '某医院'])
  const content = Buffer.from(await workbook.xlsx.writeBuffer())
  await registerSheet({ db: t.database.db, sms: createDevOutboxProvider(t.database.db, { info() {} }) }, { content, fileName: 'a.xlsx', staff: 's', source: 'cli' }, new Date())
})
afterAll(async () => {
  await t.close()
})

describe('first sign-in of a bulk-registered learner', () => {
  it('signs in with the texted password, is told to change it, and the texted password then stops working', async () => {
    const [message] = await t.database.db.select().from(devSmsOutbox).where(sentTo(PHONE))
    const initial = message!.code
    const [before] = await t.database.db.select({ hash: users.passwordHash }).from(users).where(phoneIs(PHONE))
    expect(before?.hash.startsWith('scrypt$4096$')).toBe(true)
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: ID, password: initial } })
    expect(login.statusCode).toBe(200)
    const session = login.json() as { accessToken: string; user: { mustChangePassword: boolean } }
    expect(session.user.mustChangePassword).toBe(true)
    const auth = { authorization: `Bearer ${session.accessToken}` }
    // Until the password is changed the token opens 我的 and 修改密码 only, whatever the page does.
    for (const url of ['/api/orders', '/api/certificates', '/api/group-orders', '/api/learning/plans']) {
      const refused = await t.app.inject({ method: 'GET', url, headers: auth })
      expect([url, refused.statusCode, refused.json().code]).toEqual([url, 403, 'PASSWORD_CHANGE_REQUIRED'])
      expect(refused.json().message).toBe('请先修改初始密码，再继续使用')
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth })).statusCode).toBe(200)

    const wrong = await t.app.inject({ method: 'PUT', url: '/api/me/password', headers: auth, payload: { currentPassword: 'nope12345', newPassword: 'NewPass2026' } })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().code).toBe('CURRENT_PASSWORD_WRONG')
    const same = await t.app.inject({ method: 'PUT', url: '/api/me/password', headers: auth, payload: { currentPassword: initial, newPassword: initial } })
    expect(same.json().code).toBe('PASSWORD_WEAK')

    const changed = await t.app.inject({ method: 'PUT', url: '/api/me/password', headers: auth, payload: { currentPassword: initial, newPassword: 'NewPass2026' } })
    expect(changed.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: auth })).json().mustChangePassword).toBe(false)
    // A bulk-registered learner never saw 注册's 隐私政策: the consents come next.
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: auth })).json().code).toBe('CONSENT_REQUIRED')
    const consented = await t.app.inject({ method: 'POST', url: '/api/me/consents', headers: auth, payload: { agreePolicy: true, consentSensitiveId: true } })
    expect(consented.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/orders', headers: auth })).statusCode).toBe(200)
    // The learner's own password gets the full hashing cost, not the initial secret's cheaper one.
    const [row] = await t.database.db.select({ hash: users.passwordHash }).from(users).where(phoneIs(PHONE))
    expect(row?.hash.startsWith('scrypt$32768$')).toBe(true)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: PHONE, password: initial } })).statusCode).toBe(401)
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { account: PHONE, password: 'NewPass2026' } })
    expect(again.json().user.mustChangePassword).toBe(false)
  })

  it('refuses the change without a session', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/me/password', payload: { currentPassword: 'a', newPassword: 'b' } })
    expect(res.statusCode).toBe(401)
  })
})
