import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { idNumberCheckChar } from '@app/shared'

let serial = 100
/** A valid, unique Chongqing ID number (GB 11643 check digit) for each call. */
export function newIdNumber(): string {
  serial += 1
  const first17 = `500103198506${String(10 + (serial % 18)).padStart(2, '0')}${String(serial % 1000).padStart(3, '0')}`
  return first17 + idNumberCheckChar(first17)
}
let phoneSerial = 1000
export function newPhone(): string {
  phoneSerial += 1
  return `1380023${String(phoneSerial).padStart(4, '0')}`
}

export const PASSWORD = 'Chongqing2025'

/** Both boxes of 注册 ticked: the 隐私政策 and the separate consent for the ID number. */
export const CONSENTS = { agreePolicy: true, consentSensitiveId: true } as const

export async function sendCode(
  app: FastifyInstance,
  phone: string,
  purpose: 'register' | 'reset_password' = 'register',
  remoteAddress = '127.0.0.1',
) {
  return app.inject({ method: 'POST', url: '/api/auth/sms-codes', payload: { phone, purpose }, remoteAddress })
}

let addressSerial = 0
/** A distinct client address per registered learner, so per-address limits never meet test set-up. */
function nextAddress(): string {
  addressSerial += 1
  return `10.250.${Math.floor(addressSerial / 250) % 250}.${(addressSerial % 250) + 1}`
}

/**
 * Reads the newest code for the phone from the development outbox. With a purpose, waits (up to
 * 2 s) for a code of that purpose: 忘记密码 codes are delivered after the answer (see issueSmsCode).
 */
export async function latestCode(app: FastifyInstance, phone: string, purpose?: 'register' | 'reset_password'): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const res = await app.inject({ method: 'GET', url: `/api/dev/sms-outbox?phone=${phone}` })
    const messages = (res.json() as { messages: { code: string; purpose: string }[] }).messages
    const found = purpose ? messages.find((m) => m.purpose === purpose) : messages[0]
    if (found || !purpose || attempt >= 40) return found?.code
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export function cookieValue(res: LightMyRequestResponse, name: string): string | undefined {
  return res.cookies.find((c) => c.name === name)?.value
}

export interface Registered {
  idNumber: string
  phone: string
  realName: string
  accessToken: string
  refreshCookie: string
  userId: number
}

/** Registers a learner through the API (code from the outbox) and returns their session. */
export async function registerLearner(
  app: FastifyInstance,
  overrides: Partial<{ idNumber: string; phone: string; realName: string; remoteAddress: string }> = {},
): Promise<Registered> {
  const idNumber = overrides.idNumber ?? newIdNumber()
  const phone = overrides.phone ?? newPhone()
  const realName = overrides.realName ?? '张三'
  // Each learner gets its own address unless the test names one (per-address limits stay out of set-up).
  const address = overrides.remoteAddress ?? nextAddress()
  const sent = await sendCode(app, phone, 'register', address)
  if (sent.statusCode !== 200) throw new Error(`sms-codes ${sent.statusCode} ${sent.body}`)
  const smsCode = await latestCode(app, phone)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { realName, idNumber, phone, smsCode, password: PASSWORD, ...CONSENTS },
    remoteAddress: address,
  })
  if (res.statusCode !== 201) throw new Error(`register ${res.statusCode} ${res.body}`)
  const body = res.json() as { accessToken: string; user: { id: number } }
  return { idNumber, phone, realName, accessToken: body.accessToken, refreshCookie: cookieValue(res, 'jx_rt') ?? '', userId: body.user.id }
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` }
}
