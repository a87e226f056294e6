import { checkpointed, questionFallsDue, questionOnItsWay } from './anti-idle.rules.ts'
import { creditBase, decideCredit, movesClientBase } from './credit.rules.ts'
import type { ChapterFacts, LearnerState, ProgressState, SessionState } from './learning.types.ts'
import { isChapterWatched } from './progress.rules.ts'

/** What one report is credited against. */
export interface ReportState {
  session: SessionState
  progress: ProgressState
  learner: LearnerState
  chapter: ChapterFacts
}

export interface ReportFacts {
  seq: number
  positionMs: number
  clientElapsedMs: number
  now: Date
}

/** The state after the report, what it earned, and what the page is told. */
export interface ReportOutcome extends ReportState {
  creditedMs: number
  /** Where the player must go back to (ms), or null. */
  rewindToMs: number | null
  /** A 防挂机 question falls due with this report. */
  questionDue: boolean
  /** The chapter became complete with this report. */
  completed: boolean
  /** What was decided, for the metrics: `credited`, or why nothing was (too_fast, stale, question_pending …). */
  decision: string
}

/**
 * Credits one report (LRN-4, LRN-5): by the rule of credit.rules.ts, paid from the learner's credit
 * clock, and nothing while a question waits for its answer once the page can have shown it. A
 * question falling due does not take back what this report earned, nor what the page played until
 * the question reached it: the learner is credited every second watched (docs/learning.md).
 */
export function creditReport(state: ReportState, report: ReportFacts): ReportOutcome {
  const { session, progress, learner, chapter } = state
  const base = creditBase(learner.creditClockAt, session.openedAt)
  const decision = decideCredit(
    {
      furthestMs: progress.furthestMs,
      durationMs: chapter.durationSeconds * 1000,
      lastClientMs: session.lastClientMs,
      sessionElapsedMs: report.now.getTime() - session.openedAt.getTime(),
      learnerAvailableMs: report.now.getTime() - base.getTime(),
    },
    { positionMs: report.positionMs, clientElapsedMs: report.clientElapsedMs },
  )
  // A waiting question stops credit once the page can have shown it (anti-idle.rules.ts).
  const waiting = learner.pendingQuestionId !== null && !questionOnItsWay(learner, report.now)
  const creditedMs = !waiting && decision.kind === 'credit' ? decision.creditMs : 0
  const aheadOfCredit = report.positionMs > progress.furthestMs + creditedMs
  // While a question waits, the player goes back to where credit stands if it moved on.
  const rewindToMs = waiting ? (aheadOfCredit ? progress.furthestMs : null) : decision.rewindToMs

  const credited: ProgressState =
    creditedMs === 0
      ? progress
      : {
          ...progress,
          ...checkpointed(progress, learner.correctAnswers),
          creditedMs: progress.creditedMs + creditedMs,
          furthestMs: progress.furthestMs + creditedMs,
          updatedAt: report.now,
        }
  const completed = !progress.completedAt && isChapterWatched(credited, chapter.durationSeconds)
  const nextProgress = completed ? { ...credited, completedAt: report.now, updatedAt: report.now } : credited
  const nextLearner: LearnerState =
    creditedMs === 0
      ? learner
      : {
          ...learner,
          creditedSinceQuestionMs: learner.creditedSinceQuestionMs + creditedMs,
          creditClockAt: new Date(base.getTime() + creditedMs),
        }
  const nextSession: SessionState = {
    ...session,
    lastSeq: report.seq,
    lastClientMs: movesClientBase(decision) ? Math.max(session.lastClientMs, decision.clientMs) : session.lastClientMs,
    creditedMs: session.creditedMs + creditedMs,
    lastReportAt: report.now,
  }
  return {
    session: nextSession,
    progress: nextProgress,
    learner: nextLearner,
    chapter,
    creditedMs,
    rewindToMs,
    questionDue: questionFallsDue(nextLearner, creditedMs, !!nextProgress.completedAt, chapter.planCompleted),
    completed,
    decision: waiting ? 'question_pending' : decision.kind === 'credit' ? 'credited' : decision.reason,
  }
}
