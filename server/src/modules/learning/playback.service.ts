import { observeProgressBatch } from '../../plugins/metrics.registry.ts'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import {
  REPORT_INTERVAL_SECONDS,
  type AnswerBody,
  type AnswerResult,
  type PlaybackSession,
  type ProgressAck,
  type ProgressReportBody,
} from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import type { PipelinedTransaction } from '../../db/pipelined-transaction.ts'
import { antiIdleState, playbackSessions, questions } from '../../db/schema.ts'
import { drawNextDueMs, lockAntiIdle, pickQuestion, publicQuestion, type AntiIdleSettings } from './anti-idle.ts'
import { createMicroBatcher, type MicroBatcher } from './micro-batcher.ts'
import { processReportBatch, type ReportItem } from './report-batch.ts'
import {
  AnswerTooFastError,
  ChapterNotFoundError,
  NotEnrolledError,
  QuestionNotPendingError,
} from './learning.errors.ts'
import { chapterState, findChapterContext, hasActiveEnrollment, lockProgress } from './progress.repository.ts'

export interface LearningDeps {
  db: AppDb
  antiIdle: AntiIdleSettings
  /** Batches progress reports into shared transactions (createReportBatcher). */
  reports: MicroBatcher<ReportItem, ProgressAck>
}

export function createReportBatcher(pipelined: PipelinedTransaction): MicroBatcher<ReportItem, ProgressAck> {
  // While one batch commits, the next waits up to 2 ms to gather 40 reports (bench:progress: ~+10 %).
  return createMicroBatcher((items) => (observeProgressBatch(items.length), processReportBatch(pipelined, items)), { minFill: 40, fillWaitMs: 2 })
}

/** A question shown for less than this cannot be answered: it is read, not clicked away. */
const MIN_ANSWER_MS = 2_000

/**
 * Opens a playback session for a chapter (LRN-3, LRN-4). Any other open session of the account is
 * superseded: one account plays one video at a time, and the other tab is told so on its next report.
 */
export async function openPlayback(deps: LearningDeps, userId: number, chapterId: number, now: Date): Promise<PlaybackSession> {
  return deps.db.transaction(async (tx) => {
    const ctx = await findChapterContext(tx, chapterId)
    if (!ctx) throw new ChapterNotFoundError()
    if (!(await hasActiveEnrollment(tx, userId, ctx.projectId))) throw new NotEnrolledError()
    await tx
      .update(playbackSessions)
      .set({ status: 'superseded' })
      .where(and(eq(playbackSessions.userId, userId), eq(playbackSessions.status, 'active')))
    const sessionId = randomUUID()
    await tx.insert(playbackSessions).values({ id: sessionId, userId, chapterId, status: 'active', openedAt: now })
    const progress = await lockProgress(tx, userId, chapterId, now)
    const antiIdle = await lockAntiIdle(tx, userId, deps.antiIdle)
    return {
      sessionId,
      chapter: chapterState(ctx.chapter, progress),
      reportIntervalSeconds: REPORT_INTERVAL_SECONDS,
      question: await publicQuestion(tx, antiIdle.pendingQuestionId),
    }
  })
}

/** Claims of the access token a report came with; the batch re-checks them against the database. */
export interface ReportAuth {
  userId: number
  authSessionId: string
  authSessionVersion: number
}

/**
 * One progress report. Reports are credited in batches (see report-batch.ts): everything a report
 * changes commits together with its batch, and its answer is released only after the commit.
 */
export async function reportProgress(deps: LearningDeps, who: ReportAuth, sessionId: string, body: ProgressReportBody, now: Date): Promise<ProgressAck> {
  return deps.reports.submit({ ...who, sessionId, body, now })
}

/**
 * Answers the pending 防挂机 question (LRN-5): checked here, never on the page. A wrong answer gets
 * another question; a correct one lets credit resume and draws the next unpredictable moment.
 */
export async function answerQuestion(deps: LearningDeps, userId: number, body: AnswerBody, now: Date): Promise<AnswerResult> {
  return deps.db.transaction(async (tx) => {
    // Reports of the learner's active playback lock its session row first; so does answering, so
    // the two never write the anti-idle state at the same time.
    await tx
      .select({ id: playbackSessions.id })
      .from(playbackSessions)
      .where(and(eq(playbackSessions.userId, userId), eq(playbackSessions.status, 'active')))
      .for('update')
    const state = await lockAntiIdle(tx, userId, deps.antiIdle)
    if (state.pendingQuestionId === null || state.pendingQuestionId !== body.questionId) throw new QuestionNotPendingError()
    const shownAt = state.pendingSince ?? now
    if (now.getTime() - shownAt.getTime() < MIN_ANSWER_MS) throw new AnswerTooFastError()
    const [question] = await tx.select().from(questions).where(eq(questions.id, body.questionId))
    if (!question) throw new QuestionNotPendingError()
    if (question.answerIndex === body.answerIndex) {
      await tx
        .update(antiIdleState)
        .set({ pendingQuestionId: null, pendingSince: null, creditedSinceQuestionMs: 0, nextDueMs: drawNextDueMs(deps.antiIdle), lastAnswerAt: now })
        .where(eq(antiIdleState.userId, userId))
      return { correct: true, question: null }
    }
    const nextId = await pickQuestion(tx, question.courseId, question.id)
    await tx.update(antiIdleState).set({ pendingQuestionId: nextId, pendingSince: now, lastAnswerAt: now }).where(eq(antiIdleState.userId, userId))
    return { correct: false, question: await publicQuestion(tx, nextId) }
  })
}
