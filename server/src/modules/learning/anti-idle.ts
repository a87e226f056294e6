import { randomInt } from 'node:crypto'
import { and, eq, ne, sql } from 'drizzle-orm'
import type { AntiIdleQuestion } from '@app/shared'
import { antiIdleState, questions } from '../../db/schema.ts'
import type { Tx } from './learning.types.ts'

/**
 * 防挂机 (LRN-5): questions fall due after a random amount of credited time, drawn by the server
 * from a configurable interval, so the page cannot predict them. State is per learner (not per
 * session), so reopening the player cannot dodge a question.
 */
export interface AntiIdleSettings {
  minSeconds: number
  maxSeconds: number
}

export function drawNextDueMs(settings: AntiIdleSettings): number {
  return randomInt(settings.minSeconds * 1000, settings.maxSeconds * 1000 + 1)
}

export type AntiIdleRow = typeof antiIdleState.$inferSelect

/** The learner's anti-idle row, created on first use, locked for this transaction. */
export async function lockAntiIdle(tx: Tx, userId: number, settings: AntiIdleSettings): Promise<AntiIdleRow> {
  await tx.insert(antiIdleState).values({ userId, nextDueMs: drawNextDueMs(settings) }).onConflictDoNothing()
  const [row] = await tx.select().from(antiIdleState).where(eq(antiIdleState.userId, userId)).for('update')
  if (!row) throw new Error('anti-idle state missing')
  return row
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
