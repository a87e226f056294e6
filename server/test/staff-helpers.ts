import type { FastifyInstance } from 'fastify'
import type { AppDb } from '../src/db/client.ts'
import type { StaffRole } from '../src/db/schema.ts'
import { saveStaffUser } from '../src/modules/staff/staff.service.ts'

export const STAFF_PASSWORD = 'staff-Password-2025'
let staffSerial = 0

export interface SignedInStaff {
  staffId: number
  username: string
  token: string
}

/** Creates a staff account (as `create-staff` does) and signs it in through the API. */
export async function signInNewStaff(app: FastifyInstance, db: AppDb, role: StaffRole = 'operator'): Promise<SignedInStaff> {
  staffSerial += 1
  const username = `staff${staffSerial}.${role}`
  const { staff } = await saveStaffUser(db, { username, password: STAFF_PASSWORD, role, resetExisting: false })
  const res = await app.inject({ method: 'POST', url: '/api/staff/session', payload: { username, password: STAFF_PASSWORD } })
  if (res.statusCode !== 201) throw new Error(`staff sign-in ${res.statusCode} ${res.body}`)
  return { staffId: staff.id, username, token: (res.json() as { token: string }).token }
}
