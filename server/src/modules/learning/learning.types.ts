/** A drizzle transaction of either driver. */
export type { AppTx as Tx } from '../../db/pipelined-transaction.ts'

// The state a progress report is credited against, as the batch reads it (report-batch.repository.ts)
// and the rules of progress-report.rules.ts turn it into the next state. Times are integer milliseconds.

export interface SessionState {
  id: string
  userId: number
  chapterId: number
  status: 'active' | 'superseded'
  openedAt: Date
  lastSeq: number
  /** The page's clock at the last accepted report (ms since the session opened). */
  lastClientMs: number
  creditedMs: number
  lastReportAt: Date | null
}

export interface ProgressState {
  userId: number
  chapterId: number
  creditedMs: number
  furthestMs: number
  completedAt: Date | null
  updatedAt: Date
  checkpointMs: number
  checkpointEpoch: number
}

/** Per learner, across sessions and chapters: the credit clock and the 防挂机 state. */
export interface LearnerState {
  userId: number
  creditClockAt: Date | null
  creditedSinceQuestionMs: number
  nextDueMs: number
  pendingQuestionId: number | null
  pendingSince: Date | null
  pendingChapterId: number | null
  correctAnswers: number
  /** When the learner last answered a question (a question asked by that answer is already on screen). */
  lastAnswerAt: Date | null
}

/** The chapter a session plays, with what its completion needs. */
export interface ChapterFacts {
  id: number
  durationSeconds: number
  courseId: number
  courseHours: number
  projectId: number
  requiredHours: number
  /** The learner's plan for this chapter is already complete: no more questions. */
  planCompleted: boolean
}
