import { inArray, sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { AppDb } from '../../db/client.ts'
import { bulkRegisteredUsers } from '../../db/schema/bulk-registration.ts'

/**
 * What other features may read of bulk registration (docs/architecture.md, "Table owners"): the
 * 单位 a learner was registered under, batched by ids.
 */

/** The 单位 of each learner's registration sheet, in one query; absent = not registered by a unit. */
export async function registeredUnitNames(db: AppDb, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.select({ userId: bulkRegisteredUsers.userId, unitName: bulkRegisteredUsers.unitName }).from(bulkRegisteredUsers).where(inArray(bulkRegisteredUsers.userId, userIds))
  return new Map(rows.map((r) => [r.userId, r.unitName]))
}

/** A filter for another owner's query: the account was registered under a 单位 matching the ILIKE pattern. */
export function registeredUnitMatches(pattern: string): (userId: AnyPgColumn) => SQL {
  return (userId) => sql`exists (select 1 from ${bulkRegisteredUsers} b where b.user_id = ${userId} and b.unit_name ilike ${pattern})`
}
