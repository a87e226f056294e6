import { and, eq, ne, sql } from 'drizzle-orm'
import type { AntiIdleQuestion } from '@app/shared'
import { antiIdleAnswers, antiIdleState, questions } from '../../db/schema.ts'
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

/** A random question of the course's bank, other than `exceptId` when the bank has more than one. */
export async function pickQuestion(tx: Tx, courseId: number, exceptId: number | null): Promise<number | null> {
  const [row] = await tx
    .select({ id: questions.id })
    .from(questions)
    .where(and(eq(questions.courseId, courseId), exceptId === null ? undefined : ne(questions.id, exceptId)))
    .orderBy(sql`random()`)
    .limit(1)
  if (row) return row.id
  return exceptId
}

/** The question as shown to the learner: prompt and options, never the answer. */
export async function publicQuestion(tx: Tx, questionId: number | null): Promise<AntiIdleQuestion | null> {
  if (questionId === null) return null
  const [row] = await tx.select({ id: questions.id, prompt: questions.prompt, options: questions.options }).from(questions).where(eq(questions.id, questionId))
  return row ?? null
}

export async function findQuestion(tx: Tx, questionId: number) {
  const [row] = await tx.select().from(questions).where(eq(questions.id, questionId))
  return row
}

/** One answer, right or wrong, in the answer's transaction. */
export async function recordAnswer(tx: Tx, answer: typeof antiIdleAnswers.$inferInsert): Promise<void> {
  await tx.insert(antiIdleAnswers).values(answer)
}
