import { idNumberCheckChar } from '@app/shared'
import type { AppDb } from '../src/db/client.ts'
import { users } from '../src/db/schema.ts'
import { sealedUserColumns } from '../src/modules/auth/users.repository.ts'

let groupSerial = 0

/** A valid ID number no other helper hands out (区 500112, born 1970–1979). */
export function groupIdNumber(): string {
  groupSerial += 1
  const first17 = `50011219${70 + (groupSerial % 10)}0101${String(groupSerial).padStart(3, '0').slice(-3)}`
  return first17 + idNumberCheckChar(first17)
}

/**
 * Learner accounts straight in the database (a unit's staff, as staff registration creates them):
 * group purchase only needs them to exist. Their password hash is unusable on purpose.
 */
export async function insertLearners(db: AppDb, n: number, names: string[] = ['张小明', '李四', '欧阳春花']): Promise<{ id: number; idNumber: string; realName: string }[]> {
  const people = Array.from({ length: n }, (_, i) => ({ idNumber: groupIdNumber(), realName: names[i % names.length] as string }))
  const rows = people.map((p) => ({ realName: p.realName, ...sealedUserColumns({ idNumber: p.idNumber, phone: `199${p.idNumber.slice(-8)}` }), passwordHash: 'unusable' }))
  const inserted = await db.insert(users).values(rows).returning({ id: users.id })
  return inserted.map((row, i) => ({ id: row.id, ...(people[i] as { idNumber: string; realName: string }) }))
}
