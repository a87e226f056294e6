import { count, desc, inArray } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { bulkRegisteredUsers, bulkRegistrations } from '../../db/schema/bulk-registration.ts'
import type { ExistingAccount } from './bulk-registration.rules.ts'
import { findAccountsByIdNumberOrPhone } from '../auth/auth.read-model.ts'
import { insertImportedUsers } from '../auth/users.repository.ts'

/** Accounts holding any of the ID numbers or phones, in one query (never one per row). */
export async function findAccounts(db: AppDb, idNumbers: string[], phones: string[]): Promise<ExistingAccount[]> {
  return findAccountsByIdNumberOrPhone(db, idNumbers, phones)
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
 * Creates every account of the sheet and the run's record, in the caller's transaction (all or
 * none): a unique violation (someone registered one of these meanwhile) rolls the whole sheet back.
 */
export async function createAccounts(tx: AppDb | AppTx, run: RunRecord, accounts: NewAccount[], now: Date): Promise<{ runId: number; userIds: Map<string, number> }> {
  const [record] = await tx.insert(bulkRegistrations).values({ ...run, smsFailed: 0, createdAt: now }).returning({ id: bulkRegistrations.id })
  const runId = (record as { id: number }).id
  const userIds = new Map<string, number>()
  // A few hundred rows per statement keeps each under PostgreSQL's 65,535 parameters.
  for (let i = 0; i < accounts.length; i += 500) {
    const chunk = accounts.slice(i, i + 500)
    // The accounts are auth's rows: written through its function, in this transaction.
    for (const [idNumber, id] of await insertImportedUsers(tx, chunk, now)) userIds.set(idNumber, id)
    await tx.insert(bulkRegisteredUsers).values(chunk.map((a) => ({ userId: userIds.get(a.idNumber) as number, bulkRegistrationId: runId, unitName: a.unit })))
  }
  return { runId, userIds }
}

/** After the messages went out: which accounts got theirs, and the run's failure count. */
export async function recordSmsOutcome(db: AppDb, runId: number, sentUserIds: number[], failed: number): Promise<void> {
  await db.transaction(async (tx) => {
    if (sentUserIds.length > 0) await tx.update(bulkRegisteredUsers).set({ smsSent: true }).where(inArray(bulkRegisteredUsers.userId, sentUserIds))
    await tx.update(bulkRegistrations).set({ smsFailed: failed }).where(inArray(bulkRegistrations.id, [runId]))
  })
}

/** Earlier runs, newest first, a page at a time (their counts; the rows themselves are not kept). */
export async function listRuns(db: AppDb, page: { page: number; pageSize: number }) {
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: bulkRegistrations.id,
        source: bulkRegistrations.source,
        staff: bulkRegistrations.staff,
        fileName: bulkRegistrations.fileName,
        rows: bulkRegistrations.rows,
        created: bulkRegistrations.created,
        existed: bulkRegistrations.existed,
        invalid: bulkRegistrations.invalid,
        smsFailed: bulkRegistrations.smsFailed,
        createdAt: bulkRegistrations.createdAt,
      })
      .from(bulkRegistrations)
      .orderBy(desc(bulkRegistrations.createdAt), desc(bulkRegistrations.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize),
    db.select({ n: count() }).from(bulkRegistrations),
  ])
  return { items, total: total?.n ?? 0 }
}
