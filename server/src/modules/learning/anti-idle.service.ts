import type { AnswerBody, AnswerResult } from '@app/shared'
import { lockLearner, recordAnswer, updateLearner } from './anti-idle.repository.ts'
import { findQuestion, pickQuestion, publicQuestion } from '../catalogue/catalogue.read-model.ts'
import { drawNextDueMs, judgeWrongAnswer, MIN_ANSWER_MS } from './anti-idle.rules.ts'
import { AnswerTooFastError, QuestionNotPendingError } from './learning.errors.ts'
import type { LearningDeps } from './playback.service.ts'
import { withdrawToCheckpoint } from './progress.repository.ts'
import { chapterProgressOf } from './progress.rules.ts'

/**
 * Answers the pending 防挂机 question (LRN-5), checked here, never on the page. A right answer lets
 * credit resume and draws the next unpredictable moment. A wrong one gets another question; the
 * third wrong answer in a row also takes the chapter back to where it stood at the last right
 * answer (docs/learning.md: guessing costs more than watching).
 */
export async function answerQuestion(deps: Pick<LearningDeps, 'db' | 'antiIdle'>, userId: number, body: AnswerBody, now: Date): Promise<AnswerResult> {
  return deps.db.transaction(async (tx) => {
    const learner = await lockLearner(tx, userId, deps.antiIdle)
    if (learner.pendingQuestionId === null || learner.pendingQuestionId !== body.questionId) throw new QuestionNotPendingError()
    if (now.getTime() - (learner.pendingSince ?? now).getTime() < MIN_ANSWER_MS) throw new AnswerTooFastError()
    const question = await findQuestion(tx, body.questionId)
    if (!question) throw new QuestionNotPendingError()
    const correct = question.answerIndex === body.answerIndex
    // Kept for the staff console's credited timeline (which questions were answered, and how).
    await recordAnswer(tx, { userId, questionId: question.id, courseId: question.courseId, chapterId: learner.pendingChapterId, correct, answeredAt: now })

    if (correct) {
      await updateLearner(tx, userId, {
        pendingQuestionId: null,
        pendingSince: null,
        pendingChapterId: null,
        creditedSinceQuestionMs: 0,
        nextDueMs: drawNextDueMs(deps.antiIdle),
        lastAnswerAt: now,
        correctAnswers: learner.correctAnswers + 1,
        wrongInARow: 0,
        // Time spent on the question is never credit: the credit clock starts again now.
        creditClockAt: now,
      })
      return { correct: true, question: null, wrongInARow: 0, withdrawn: null }
    }

    const verdict = judgeWrongAnswer(learner.wrongInARow)
    const withdrawn =
      verdict.withdraw && learner.pendingChapterId !== null
        ? await withdrawToCheckpoint(tx, userId, learner.pendingChapterId, learner.correctAnswers, now)
        : undefined
    const nextId = await pickQuestion(tx, question.courseId, question.id)
    await updateLearner(tx, userId, { pendingQuestionId: nextId, pendingSince: now, lastAnswerAt: now, wrongInARow: verdict.wrongInARow })
    return {
      correct: false,
      question: await publicQuestion(tx, nextId),
      wrongInARow: verdict.wrongInARow,
      withdrawn: withdrawn ? chapterProgressOf(withdrawn.chapterId, withdrawn) : null,
    }
  })
}
