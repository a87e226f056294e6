import type { FastifyInstance } from 'fastify'
import type { AppDb } from '../src/db/client.ts'
import type { StaffRole } from '../src/db/schema.ts'
import { saveStaffUser } from '../src/modules/staff/staff.service.ts'
import { totpCode } from '../src/modules/staff/totp.rules.ts'
import { testClocks } from './app.ts'

export const STAFF_PASSWORD = 'staff-Password-2025'
let staffSerial = 0

export interface SignedInStaff {
  staffId: number
  username: string
  token: string
  /** The account's authenticator secret (Base32), to compute further codes. */
  totpSecret: string
}

/** The code an authenticator shows now by the app's (movable) clock; `stepOffset` moves it by 30 s steps. */
export function staffTotpCode(app: FastifyInstance, secret: string, stepOffset = 0): string {
  const now = testClocks.get(app)?.now ?? new Date()
  return totpCode(secret, new Date(now.getTime() + stepOffset * 30_000))
}

/** Signs in through the console API: password, then the code (first sign-in: the secret of the QR code). */
export async function signInStaff(app: FastifyInstance, username: string, password: string, secret?: string): Promise<{ token: string; totpSecret: string }> {
  const first = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password } })
  if (first.statusCode !== 200) throw new Error(`staff sign-in ${first.statusCode} ${first.body}`)
  const step = first.json() as { next: string; secret?: string }
  const totpSecret = step.secret ?? secret
  if (!totpSecret) throw new Error('staff sign-in: no authenticator secret known for this account')
  const res = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password, totpCode: staffTotpCode(app, totpSecret) } })
  if (res.statusCode !== 201) throw new Error(`staff sign-in ${res.statusCode} ${res.body}`)
  return { token: (res.json() as { token: string }).token, totpSecret }
}

/** Creates a staff account (as `create-staff` does) and signs it in through the API, setting up its authenticator. */
export async function signInNewStaff(app: FastifyInstance, db: AppDb, role: StaffRole = 'operator'): Promise<SignedInStaff> {
  staffSerial += 1
  const username = `staff${staffSerial}.${role}`
  const { staff } = await saveStaffUser(db, { username, password: STAFF_PASSWORD, role, resetExisting: false })
  const { token, totpSecret } = await signInStaff(app, username, STAFF_PASSWORD)
  return { staffId: staff.id, username, token, totpSecret }
}
