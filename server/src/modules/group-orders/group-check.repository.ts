import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { groupCheckRuns, users } from '../../db/schema.ts'
import type { GroupFailure } from '@app/shared'
import { blindIndex, open, seal } from '../../crypto/personal-data.ts'

export interface ListedLearner {
  userId: number
  idNumber: string
  realName: string
  /** An active enrolment in the project. */
  owned: boolean
  /** An item holding the learner (their own pending order, or a paid one); pending group orders hold nobody. */
  inOpenOrder: boolean
}

/**
 * Every listed account with its state for the project, in ONE query however long the list (GRP-2):
 * the ID numbers' blind indexes travel as a single comma-joined parameter (base64url has no
 * commas), which keeps the statement the same for 1 or 5,000 lines and each lookup on the unique
 * index. Nothing is decrypted: a row found by its index holds the listed ID number that made it.
 * Rows written before encryption at rest are found by their plain column until `rotate-data-key`
 * has sealed them.
 */
export async function findListedLearners(db: AppDb, projectId: number, idNumbers: string[]): Promise<ListedLearner[]> {
  if (idNumbers.length === 0) return []
  const byIndex = new Map(idNumbers.map((id) => [blindIndex('id_number', id), id]))
  // `users.id` is spelt out: drizzle leaves single-table columns unqualified, and a bare "id" in the
  // subqueries would be the subquery table's own id.
  const rows = await db
    .select({
      userId: users.id,
      idNumberIndex: users.idNumberIndex,
      legacyIdNumber: users.legacyIdNumber,
      realName: users.realName,
      owned: sql<boolean>`exists (select 1 from enrollments e where e.user_id = users.id and e.project_id = ${projectId} and e.status = 'active')`,
      inOpenOrder: sql<boolean>`exists (select 1 from order_items i where i.learner_user_id = users.id and i.project_id = ${projectId} and i.active)`,
    })
    .from(users)
    .where(
      sql`${users.idNumberIndex} = any(string_to_array(${[...byIndex.keys()].join(',')}, ','))
        or ${users.legacyIdNumber} = any(string_to_array(${idNumbers.join(',')}, ','))`,
    )
  return rows.map(({ idNumberIndex, legacyIdNumber, ...rest }) => ({
    ...rest,
    idNumber: legacyIdNumber ?? (byIndex.get(idNumberIndex ?? '') as string),
  }))
}

/** Keeps a failed check's lines (sealed: they are what the buyer typed, ID numbers included), clearing expired ones on the way. */
export async function storeCheckRun(
  db: AppDb,
  run: { id: string; buyerUserId: number; projectId: number; failures: GroupFailure[]; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.delete(groupCheckRuns).where(lt(groupCheckRuns.expiresAt, run.createdAt))
  const { failures, ...rest } = run
  await db.insert(groupCheckRuns).values({ ...rest, failuresSealed: seal('group_failures', JSON.stringify(failures)) })
}

export async function findCheckRun(db: AppDb, id: string, now: Date) {
  const [row] = await db.select().from(groupCheckRuns).where(and(eq(groupCheckRuns.id, id), gt(groupCheckRuns.expiresAt, now)))
  if (!row) return undefined
  const { legacyFailures, failuresSealed, ...rest } = row
  const failures: GroupFailure[] = failuresSealed !== null ? (JSON.parse(open('group_failures', failuresSealed)) as GroupFailure[]) : (legacyFailures ?? [])
  return { ...rest, failures }
}
