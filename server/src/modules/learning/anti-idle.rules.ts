import { randomInt } from 'node:crypto'
import { REPORT_INTERVAL_SECONDS, WRONG_ANSWERS_BEFORE_WITHDRAWAL } from '@app/shared'
import type { LearnerState, ProgressState } from './learning.types.ts'

/**
 * 防挂机 (LRN-5, docs/learning.md): questions fall due after a random amount of credited time,
 * drawn by the server from a configurable interval, so the page cannot predict them. The state is
 * per learner, so reopening the player or switching chapters dodges nothing.
 */
export interface AntiIdleSettings {
  minSeconds: number
  maxSeconds: number
}

/** A question shown for less than this cannot be answered: it is read, not clicked away. */
export const MIN_ANSWER_MS = 2_000

/**
 * How long a question that fell due with a report may take to reach the page: one report
 * interval. The page learns of it only from that report's answer, and plays on until then (longer
 * when the server or the network is slow); what it played in that window is real watching and is
 * still credited, so an honest learner never has to watch it again. After it, nothing is credited
 * until a right answer. A question asked by a wrong answer is on screen at once: no window.
 */
export const QUESTION_DELIVERY_MS = REPORT_INTERVAL_SECONDS * 1000

/** Whether a report arriving at `now` still falls in the delivery window of the waiting question. */
export function questionOnItsWay(learner: LearnerState, now: Date): boolean {
  const since = learner.pendingSince
  if (learner.pendingQuestionId === null || since === null) return false
  const askedByAnswer = learner.lastAnswerAt !== null && learner.lastAnswerAt.getTime() >= since.getTime()
  return !askedByAnswer && now.getTime() - since.getTime() <= QUESTION_DELIVERY_MS
}

export function drawNextDueMs(settings: AntiIdleSettings): number {
  return randomInt(settings.minSeconds * 1000, settings.maxSeconds * 1000 + 1)
}

/**
 * Whether a question falls due after a report credited something. Never once the chapter or the
 * plan is complete: there is nothing left to earn, and a question there only gets in the way (it
 * once opened over the 「培训计划已完成」 dialog).
 */
export function questionFallsDue(learner: LearnerState, creditedNowMs: number, chapterComplete: boolean, planCompleted: boolean): boolean {
  return creditedNowMs > 0 && learner.pendingQuestionId === null && !chapterComplete && !planCompleted && learner.creditedSinceQuestionMs >= learner.nextDueMs
}

/** The learner is asked `questionId` about `chapterId`; nothing is credited until it is answered right. */
export function askQuestion(learner: LearnerState, questionId: number, chapterId: number, now: Date): LearnerState {
  return { ...learner, pendingQuestionId: questionId, pendingSince: now, pendingChapterId: chapterId }
}

/** A course without a question bank has nothing to ask: the count starts again. */
export function skipQuestion(learner: LearnerState): LearnerState {
  return { ...learner, creditedSinceQuestionMs: 0 }
}

/** After a wrong answer: how many in a row, and whether the chapter's recent credit is withdrawn. */
export function judgeWrongAnswer(wrongInARowBefore: number): { wrongInARow: number; withdraw: boolean } {
  const wrong = wrongInARowBefore + 1
  return wrong >= WRONG_ANSWERS_BEFORE_WITHDRAWAL ? { wrongInARow: 0, withdraw: true } : { wrongInARow: wrong, withdraw: false }
}

/**
 * The chapter as it stands after a credit: the first credit of a chapter since the learner's last
 * right answer records where the chapter stood before it (its checkpoint), which is what a
 * withdrawal goes back to.
 */
export function checkpointed(progress: ProgressState, correctAnswers: number): Pick<ProgressState, 'checkpointMs' | 'checkpointEpoch'> {
  return progress.checkpointEpoch === correctAnswers
    ? { checkpointMs: progress.checkpointMs, checkpointEpoch: correctAnswers }
    : { checkpointMs: progress.furthestMs, checkpointEpoch: correctAnswers }
}
