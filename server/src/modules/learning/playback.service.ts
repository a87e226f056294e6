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
import { antiIdleState, chapterProgress, playbackSessions, progressReports, questions } from '../../db/schema.ts'
import { drawNextDueMs, lockAntiIdle, pickQuestion, publicQuestion, type AntiIdleSettings } from './anti-idle.ts'
import { decideCredit } from './crediting.ts'
import {
  AnswerTooFastError,
  ChapterNotFoundError,
  NotEnrolledError,
  PlaybackNotFoundError,
  PlaybackSupersededError,
  QuestionNotPendingError,
} from './learning.errors.ts'
import { chapterState, completeCourseAndPlan, findChapterContext, hasActiveEnrollment, isChapterWatched, lockProgress } from './progress.repository.ts'

export interface LearningDeps {
  db: AppDb
  antiIdle: AntiIdleSettings
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

/**
 * One progress report. Everything it changes (credit, chapter, course and plan completion, the
 * anti-idle question, the stored answer for replays) commits together or not at all.
 */
export async function reportProgress(deps: LearningDeps, userId: number, sessionId: string, body: ProgressReportBody, now: Date): Promise<ProgressAck> {
  return deps.db.transaction(async (tx) => {
    const [session] = await tx
      .select()
      .from(playbackSessions)
      .where(and(eq(playbackSessions.id, sessionId), eq(playbackSessions.userId, userId)))
      .for('update')
    if (!session) throw new PlaybackNotFoundError()
    if (session.status !== 'active') throw new PlaybackSupersededError()
    const ctx = await findChapterContext(tx, session.chapterId)
    if (!ctx) throw new ChapterNotFoundError()

    // A report sent again (lost answer, page reload) gets its first answer and no new credit.
    if (body.seq <= session.lastSeq) {
      const [stored] = await tx
        .select({ ack: progressReports.ack })
        .from(progressReports)
        .where(and(eq(progressReports.sessionId, sessionId), eq(progressReports.seq, body.seq)))
      if (stored) return stored.ack as ProgressAck
      const [progress] = await tx
        .select()
        .from(chapterProgress)
        .where(and(eq(chapterProgress.userId, userId), eq(chapterProgress.chapterId, session.chapterId)))
      return { seq: body.seq, creditedNow: 0, chapter: chapterState(ctx.chapter, progress), rewindTo: null, question: null, courseCompleted: false, planCompleted: false }
    }

    const progress = await lockProgress(tx, userId, session.chapterId, now)
    const antiIdle = await lockAntiIdle(tx, userId, deps.antiIdle)
    const durationMs = ctx.chapter.durationSeconds * 1000
    const decision = decideCredit(
      {
        furthestMs: progress.furthestMs,
        durationMs,
        lastClientMs: session.lastClientMs,
        sessionCreditedMs: session.creditedMs,
        serverElapsedMs: now.getTime() - session.openedAt.getTime(),
      },
      { positionMs: Math.round(body.positionSeconds * 1000), clientElapsedMs: body.clientElapsedMs },
    )

    let creditMs = 0
    let rewindToMs = decision.rewindToMs
    let pendingQuestionId = antiIdle.pendingQuestionId
    if (pendingQuestionId !== null) {
      // Nothing is credited while a question waits for its answer.
      rewindToMs = Math.round(body.positionSeconds * 1000) > progress.furthestMs ? progress.furthestMs : null
    } else if (decision.kind === 'credit') {
      creditMs = decision.creditMs
      const untilQuestion = antiIdle.nextDueMs - antiIdle.creditedSinceQuestionMs
      let sinceQuestionMs = antiIdle.creditedSinceQuestionMs
      if (creditMs >= untilQuestion) {
        pendingQuestionId = await pickQuestion(tx, ctx.courseId, null)
        if (pendingQuestionId !== null) {
          // Credit stops at the moment the question falls due; the player pauses there.
          creditMs = Math.max(0, untilQuestion)
          rewindToMs = progress.furthestMs + creditMs
        } else {
          sinceQuestionMs = -creditMs // a course without a question bank: nothing to ask, keep counting afresh
        }
      }
      await tx
        .update(antiIdleState)
        .set({
          creditedSinceQuestionMs: sinceQuestionMs + creditMs,
          ...(pendingQuestionId !== null ? { pendingQuestionId, pendingSince: now } : {}),
        })
        .where(eq(antiIdleState.userId, userId))
    }

    const next = { creditedMs: progress.creditedMs + creditMs, furthestMs: progress.furthestMs + creditMs }
    const justCompleted = !progress.completedAt && isChapterWatched(next, ctx.chapter.durationSeconds)
    if (creditMs > 0 || justCompleted) {
      await tx
        .update(chapterProgress)
        .set({ ...next, updatedAt: now, ...(justCompleted ? { completedAt: now } : {}) })
        .where(and(eq(chapterProgress.userId, userId), eq(chapterProgress.chapterId, session.chapterId)))
    }
    const completion = justCompleted
      ? await completeCourseAndPlan(tx, { userId, courseId: ctx.courseId, courseHours: ctx.courseHours, projectId: ctx.projectId, requiredHours: ctx.requiredHours }, now)
      : { courseCompleted: false, planCompleted: false }

    await tx
      .update(playbackSessions)
      .set({
        lastSeq: body.seq,
        // A refused report (too fast, stale) does not move the base: the next honest report is
        // measured from the last accepted one.
        lastClientMs: decision.kind === 'none' && (decision.reason === 'too_fast' || decision.reason === 'stale') ? session.lastClientMs : Math.max(session.lastClientMs, decision.clientMs),
        creditedMs: session.creditedMs + creditMs,
        lastReportAt: now,
      })
      .where(eq(playbackSessions.id, sessionId))

    const ack: ProgressAck = {
      seq: body.seq,
      creditedNow: creditMs / 1000,
      chapter: chapterState(ctx.chapter, { ...next, completedAt: justCompleted ? now : progress.completedAt }),
      rewindTo: rewindToMs === null ? null : rewindToMs / 1000,
      question: await publicQuestion(tx, pendingQuestionId),
      ...completion,
    }
    await tx.insert(progressReports).values({ sessionId, seq: body.seq, positionMs: Math.round(body.positionSeconds * 1000), creditedMs: creditMs, receivedAt: now, ack })
    return ack
  })
}

/**
 * Answers the pending 防挂机 question (LRN-5): checked here, never on the page. A wrong answer gets
 * another question; a correct one lets credit resume and draws the next unpredictable moment.
 */
export async function answerQuestion(deps: LearningDeps, userId: number, body: AnswerBody, now: Date): Promise<AnswerResult> {
  return deps.db.transaction(async (tx) => {
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
