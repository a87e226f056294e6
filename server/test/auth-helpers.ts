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

export async function sendCode(app: FastifyInstance, phone: string, purpose: 'register' | 'reset_password' = 'register', remoteAddress?: string) {
  return app.inject({ method: 'POST', url: '/api/auth/sms-codes', payload: { phone, purpose }, ...(remoteAddress ? { remoteAddress } : {}) })
}

/** Reads the newest code for the phone from the development outbox. */
export async function latestCode(app: FastifyInstance, phone: string): Promise<string | undefined> {
  const res = await app.inject({ method: 'GET', url: `/api/dev/sms-outbox?phone=${phone}` })
  return (res.json() as { messages: { code: string }[] }).messages[0]?.code
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
  // Tests registering many learners give each its own address (the SMS limit is per client and hour).
  const sent = await sendCode(app, phone, 'register', overrides.remoteAddress)
  if (sent.statusCode !== 200) throw new Error(`sms-codes ${sent.statusCode} ${sent.body}`)
  const smsCode = await latestCode(app, phone)
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { realName, idNumber, phone, smsCode, password: PASSWORD },
  })
  if (res.statusCode !== 201) throw new Error(`register ${res.statusCode} ${res.body}`)
  const body = res.json() as { accessToken: string; user: { id: number } }
  return { idNumber, phone, realName, accessToken: body.accessToken, refreshCookie: cookieValue(res, 'jx_rt') ?? '', userId: body.user.id }
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` }
}
