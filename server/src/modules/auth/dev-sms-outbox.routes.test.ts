import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { CONSENTS, newIdNumber, newPhone, PASSWORD, sendCode } from '../../../test/auth-helpers.ts'

// The development SMS outbox lists every code texted to a phone, newest first; a tester must see
// at once which one the server accepts now.

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
}, 300_000)
afterAll(async () => t.close())

interface Outbox {
  current: Array<{ purpose: string; code: string; expiresAt: string }>
  messages: Array<{ purpose: string; code: string; status: string; note: string }>
}
const outbox = async (phone: string) => (await t.app.inject({ method: 'GET', url: `/api/dev/sms-outbox?phone=${phone}` })).json() as Outbox

describe('development SMS outbox', () => {
  it('marks the newest unused, unexpired code as current and the others as what they are', async () => {
    const phone = newPhone()
    expect((await sendCode(t.app, phone)).statusCode).toBe(200)
    t.clock.advance(61_000)
    expect((await sendCode(t.app, phone)).statusCode).toBe(200)

    const box = await outbox(phone)
    expect(box.messages.map((m) => m.status)).toEqual(['current', 'superseded'])
    expect(box.messages[0]?.note).toBe('当前有效：输入这个验证码')
    expect(box.current).toEqual([{ purpose: 'register', code: box.messages[0]?.code, expiresAt: expect.any(String) }])

    // The superseded code is refused; the marked one is what 注册 accepts.
    const register = (smsCode: string | undefined) =>
      t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { realName: '张三', idNumber: newIdNumber(), phone, smsCode, password: PASSWORD, ...CONSENTS } })
    expect((await register(box.messages[1]?.code)).statusCode).toBe(400)
    expect((await register(box.current[0]?.code)).statusCode).toBe(201)
  })

  it('marks a used code as used, and then none is current', async () => {
    const phone = newPhone()
    await sendCode(t.app, phone)
    const code = (await outbox(phone)).current[0]?.code
    const register = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { realName: '李四', idNumber: newIdNumber(), phone, smsCode: code, password: PASSWORD, ...CONSENTS } })
    expect(register.statusCode).toBe(201)
    const box = await outbox(phone)
    expect(box.messages).toEqual([expect.objectContaining({ code, status: 'used', note: '已使用' })])
    expect(box.current).toEqual([])
  })

  it('says a code has expired once its five minutes are over', async () => {
    const phone = newPhone()
    await sendCode(t.app, phone)
    expect((await outbox(phone)).messages[0]?.status).toBe('current')
    t.clock.advance(5 * 60_000 + 1_000)
    const box = await outbox(phone)
    expect(box.messages[0]).toMatchObject({ status: 'expired', note: '已过期' })
    expect(box.current).toEqual([])
  })
})
