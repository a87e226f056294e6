import { inArray, or } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { bulkRegisteredUsers, bulkRegistrations, users } from '../../db/schema.ts'
import type { ExistingAccount } from './bulk-registration.rules.ts'
import { blindIndex } from '../../crypto/personal-data.ts'
import { openUser, sealedUserColumns } from '../auth/users.repository.ts'

/** Accounts holding any of the ID numbers or phones, in one query (never one per row). */
export async function findAccounts(db: AppDb, idNumbers: string[], phones: string[]): Promise<ExistingAccount[]> {
  if (idNumbers.length === 0 && phones.length === 0) return []
  // By blind index, and in clear for rows written before encryption at rest.
  const rows = await db
    .select()
    .from(users)
    .where(
      or(
        inArray(users.idNumberIndex, idNumbers.map((id) => blindIndex('id_number', id))),
        inArray(users.phoneIndex, phones.map((phone) => blindIndex('phone', phone))),
        inArray(users.legacyIdNumber, idNumbers),
        inArray(users.legacyPhone, phones),
      ),
    )
  return rows.map(openUser).map(({ id, idNumber, phone, realName }) => ({ id, idNumber, phone, realName }))
}

export interface NewAccount {
  realName: string
  idNumber: string
  phone: string
  passwordHash: string
  unit: string
}

export interface RunRecord {
  staff: string
  source: 'cli' | 'api'
  fileName: string
  fileSha256: string
  rows: number
  created: number
  existed: number
  invalid: number
}

/**
 * Creates every account of the sheet and the run's record in one transaction: all or none. A
 * unique violation (someone registered one of these meanwhile) rolls the whole sheet back.
 */
export async function createAccounts(db: AppDb, run: RunRecord, accounts: NewAccount[], now: Date): Promise<{ runId: number; userIds: Map<string, number> }> {
  return db.transaction(async (tx) => {
    const [record] = await tx.insert(bulkRegistrations).values({ ...run, smsFailed: 0, createdAt: now }).returning({ id: bulkRegistrations.id })
    const runId = (record as { id: number }).id
    const userIds = new Map<string, number>()
    // A few hundred rows per statement keeps each under PostgreSQL's 65,535 parameters.
    for (let i = 0; i < accounts.length; i += 500) {
      const chunk = accounts.slice(i, i + 500)
      const sealed = chunk.map((a) => sealedUserColumns(a))
      const idNumberOf = new Map(chunk.map((a, k) => [sealed[k]?.idNumberIndex, a.idNumber]))
      const inserted = await tx
        .insert(users)
        .values(chunk.map((a, k) => ({ realName: a.realName, ...sealed[k], passwordHash: a.passwordHash, mustChangePassword: true, createdAt: now, updatedAt: now })))
        .returning({ id: users.id, idNumberIndex: users.idNumberIndex })
      for (const row of inserted) userIds.set(idNumberOf.get(row.idNumberIndex ?? '') as string, row.id)
      await tx.insert(bulkRegisteredUsers).values(chunk.map((a) => ({ userId: userIds.get(a.idNumber) as number, bulkRegistrationId: runId, unitName: a.unit })))
    }
    return { runId, userIds }
  })
}

/** After the messages went out: which accounts got theirs, and the run's failure count. */
export async function recordSmsOutcome(db: AppDb, runId: number, sentUserIds: number[], failed: number): Promise<void> {
  await db.transaction(async (tx) => {
    if (sentUserIds.length > 0) await tx.update(bulkRegisteredUsers).set({ smsSent: true }).where(inArray(bulkRegisteredUsers.userId, sentUserIds))
    await tx.update(bulkRegistrations).set({ smsFailed: failed }).where(inArray(bulkRegistrations.id, [runId]))
  })
}
