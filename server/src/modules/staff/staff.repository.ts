import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import type { AppTx } from '../../db/pipelined-transaction.ts'
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core'
import { staffUsers } from '../../db/schema/staff.ts'

type Db = AppDb | AppTx
export type StaffRow = typeof staffUsers.$inferSelect

export async function findStaffByUsername(db: Db, username: string): Promise<StaffRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.username, username))
  return row
}

export async function findStaffById(db: Db, id: number): Promise<StaffRow | undefined> {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.id, id))
  return row
}

export async function updateStaff(db: Db, id: number, values: PgUpdateSetSource<typeof staffUsers>): Promise<StaffRow | undefined> {
  const [row] = await db.update(staffUsers).set(values).where(eq(staffUsers.id, id)).returning()
  return row
}

/**
 * Records a TOTP step as used, only if it is later than the last one: of two requests with the same
 * code (a replay, or a double click) exactly one succeeds.
 */
export async function claimTotpStep(db: Db, id: number, step: number): Promise<boolean> {
  const rows = await db
    .update(staffUsers)
    .set({ totpLastStep: step })
    .where(and(eq(staffUsers.id, id), or(isNull(staffUsers.totpLastStep), lt(staffUsers.totpLastStep, step))))
    .returning({ id: staffUsers.id })
  return rows.length === 1
}

/** A page of staff accounts, oldest first, and how many there are. */
export async function listStaff(db: Db, page: number, pageSize: number): Promise<{ rows: StaffRow[]; total: number }> {
  const rows = await db
    .select()
    .from(staffUsers)
    .orderBy(asc(staffUsers.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
  const [total] = await db.select({ n: count() }).from(staffUsers)
  return { rows, total: total?.n ?? 0 }
}

/** Bumps the account's token version (kept for the command line's --reset-password history). */
export const nextTokenVersion = sql`${staffUsers.tokenVersion} + 1`
