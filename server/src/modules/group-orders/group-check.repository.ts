import { and, eq, gt, lt } from 'drizzle-orm'
import type { AppDb } from '../../db/client.ts'
import { groupCheckRuns } from '../../db/schema/group-orders.ts'
import type { GroupFailure } from '@app/shared'
import { open, seal } from '../../crypto/personal-data.ts'

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
