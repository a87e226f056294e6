import { and, count, desc, eq, isNotNull } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import { accountClosures, type AccountClosureStatus } from '../../db/schema/privacy.ts'
import { namesAndStoredPhones } from '../auth/auth.read-model.ts'

type Db = AppDb | AppTx

// Privacy owns account_closures only; what a learner's data export and 注销账号 read and change of
// other features' tables goes through those features' read models and named write functions
// (docs/architecture.md, "Table owners"). Every query is scoped to one account or a staff page.

export async function findClosureOf(db: Db, userId: number) {
  const [row] = await db.select().from(accountClosures).where(eq(accountClosures.userId, userId))
  return row
}

export async function findClosureForUpdate(tx: AppTx, id: number) {
  const [row] = await tx.select().from(accountClosures).where(eq(accountClosures.id, id)).for('update')
  return row
}

/** Records a refused request (or refreshes the account's record with the latest reasons). */
export async function recordRefusal(db: Db, userId: number, blockers: string[], now: Date): Promise<void> {
  await db
    .insert(accountClosures)
    .values({ userId, status: 'refused', blockers, requestedAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: accountClosures.userId, set: { status: 'refused', blockers, requestedAt: now, updatedAt: now } })
}

/** Records the closure; a refused record of the same account becomes the closed one. */
export async function recordClosure(
  tx: AppTx,
  userId: number,
  closure: { closedBy: 'self' | 'staff'; staffId: number | null; note: string | null },
  now: Date,
): Promise<void> {
  const values = { status: 'closed' as const, blockers: [], closedAt: now, ...closure, updatedAt: now }
  await tx
    .insert(accountClosures)
    .values({ userId, requestedAt: now, ...values })
    .onConflictDoUpdate({ target: accountClosures.userId, set: values })
}

/** Staff's page of closure records, newest activity first, with the account's current name and phone (masked by the caller). */
export async function listClosures(db: Db, filter: { status?: AccountClosureStatus; page: number; pageSize: number; id?: number }) {
  const where = and(filter.status ? eq(accountClosures.status, filter.status) : undefined, filter.id === undefined ? undefined : eq(accountClosures.id, filter.id))
  const closures = await db
    .select()
    .from(accountClosures)
    .where(where)
    .orderBy(desc(accountClosures.updatedAt), desc(accountClosures.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
  const [total] = await db.select({ n: count() }).from(accountClosures).where(where)
  const accounts = await namesAndStoredPhones(db, closures.map((c) => c.userId))
  const rows = closures.map((closure) => ({ closure, realName: '', legacyPhone: null, phoneSealed: null, ...accounts.get(closure.userId) }))
  return { rows, total: total?.n ?? 0 }
}

/** Whether the account has been closed (its export link and every other way in stop working). */
export async function isClosed(db: Db, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: accountClosures.id })
    .from(accountClosures)
    .where(and(eq(accountClosures.userId, userId), eq(accountClosures.status, 'closed'), isNotNull(accountClosures.closedAt)))
  return !!row
}
