import { eq } from 'drizzle-orm'
import { antiIdleAnswers, antiIdleState } from '../../db/schema/learning.ts'
import { drawNextDueMs, type AntiIdleSettings } from './anti-idle.rules.ts'
import type { Tx } from './learning.types.ts'

export type LearnerRow = typeof antiIdleState.$inferSelect

/**
 * The learner's row (credit clock and 防挂机 state), created on first use and locked for this
 * transaction. Every change to a learner's progress takes this lock first (report batches too:
 * report-batch.repository.ts), so a learner's opens, reports and answers happen one at a time.
 */
export async function lockLearner(tx: Tx, userId: number, settings: AntiIdleSettings): Promise<LearnerRow> {
  await tx.insert(antiIdleState).values({ userId, nextDueMs: drawNextDueMs(settings) }).onConflictDoNothing()
  const [row] = await tx.select().from(antiIdleState).where(eq(antiIdleState.userId, userId)).for('update')
  if (!row) throw new Error('learner state missing')
  return row
}

export async function updateLearner(tx: Tx, userId: number, values: Partial<Omit<LearnerRow, 'userId'>>): Promise<void> {
  await tx.update(antiIdleState).set(values).where(eq(antiIdleState.userId, userId))
}

/** One answer, right or wrong, in the answer's transaction (the staff console's credited timeline). */
export async function recordAnswer(tx: Tx, answer: typeof antiIdleAnswers.$inferInsert): Promise<void> {
  await tx.insert(antiIdleAnswers).values(answer)
}
