import { and, asc, count, eq, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import { normaliseIdNumber, normalisePhone } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { users } from '../../db/schema/users.ts'
import { idNumberIs, openUser, phoneIs, type UserRow } from './users.repository.ts'

export type LearnerSearchBy = 'id_number' | 'phone' | 'name'

/**
 * 学员 search for the staff console (docs/staff.md): exact ID number or phone through their unique
 * blind indexes, or exact name through users_real_name_idx — each an index lookup whatever the
 * number of learners (`pnpm bench:staff-search` prints the plans). `narrow` adds a condition on
 * the user's id (the 单位 filter, built by the caller from tables auth does not own).
 */
export async function searchLearnerAccounts(
  db: AppDb,
  by: LearnerSearchBy,
  q: string,
  page: { page: number; pageSize: number },
  narrow?: (userId: AnyPgColumn) => SQL,
): Promise<{ rows: UserRow[]; total: number }> {
  const match = by === 'id_number' ? idNumberIs(normaliseIdNumber(q)) : by === 'phone' ? phoneIs(normalisePhone(q)) : eq(users.realName, q.trim())
  const where = and(match, narrow?.(users.id))
  const rows = await db
    .select()
    .from(users)
    .where(where)
    .orderBy(asc(users.id))
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
  // One row at most for an ID number or phone; a name's page says how many share it.
  const total = rows.length < page.pageSize && page.page === 1 ? rows.length : ((await db.select({ n: count() }).from(users).where(where))[0]?.n ?? 0)
  return { rows: rows.map(openUser), total }
}
