import { inArray, or } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { bulkRegisteredUsers, bulkRegistrations, users } from '../../db/schema.ts'
import type { ExistingAccount } from './bulk-registration.rules.ts'

/** Accounts holding any of the ID numbers or phones, in one query (never one per row). */
export async function findAccounts(db: AppDb, idNumbers: string[], phones: string[]): Promise<ExistingAccount[]> {
  if (idNumbers.length === 0 && phones.length === 0) return []
  return db
    .select({ id: users.id, idNumber: users.idNumber, phone: users.phone, realName: users.realName })
    .from(users)
    .where(or(inArray(users.idNumber, idNumbers), inArray(users.phone, phones)))
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
      const inserted = await tx
        .insert(users)
        .values(chunk.map((a) => ({ realName: a.realName, idNumber: a.idNumber, phone: a.phone, passwordHash: a.passwordHash, mustChangePassword: true, createdAt: now, updatedAt: now })))
        .returning({ id: users.id, idNumber: users.idNumber })
      for (const row of inserted) userIds.set(row.idNumber, row.id)
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
