import { and, gte, lt, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { users } from '../../db/schema/users.ts'

/** Accounts created in [from, to) (self-registered and bulk-registered), a range of `users_created_at_idx`. */
export async function registrationsBetween(db: AppDb, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(gte(users.createdAt, from), lt(users.createdAt, to)))
  return row?.n ?? 0
}
