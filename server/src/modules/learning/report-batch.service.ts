import type { AntiIdleQuestion, ProgressAck } from '@app/shared'
import type { PipelinedTransaction } from '../../db/pipelined-transaction.ts'
import { isDatabaseUnavailable } from '../../db/unavailable.ts'
import { isSignInSessionLive } from '../../core/sign-in-session.rules.ts'
import { SessionExpiredError } from '../auth/auth.errors.ts'
import { pickQuestion, publicQuestion } from '../catalogue/catalogue.read-model.ts'
import { askQuestion, skipQuestion } from './anti-idle.rules.ts'
import { PlaybackNotFoundError, PlaybackSupersededError } from './learning.errors.ts'
import type { ChapterFacts, LearnerState, ProgressState, SessionState, Tx } from './learning.types.ts'
import type { ReportItem } from './progress-report.service.ts'
import { creditReport, type ReportOutcome } from './progress-report.rules.ts'
import { countCreditingDecision } from '../../core/metrics.registry.ts'
import { completeCourseAndPlan } from './progress.repository.ts'
import { chapterProgressOf } from './progress.rules.ts'
import {
  lockLearners,
  parseBatchState,
  progressKey,
  readBatchState,
  storedAck,
  writeBatch,
  type BatchState,
  type StoredReport,
} from './report-batch.repository.ts'

/**
 * Processes a batch of progress reports in ONE transaction (LRN-4 … LRN-7): the batch's learners
 * are locked, each report is credited in arrival order by progress-report.rules.ts, and all changes
 * (credit, completions, questions, stored answers for replays) are written with one statement (a
 * few more when a chapter completes). On PostgreSQL the usual batch costs two round trips:
 * BEGIN + lock + read, write + COMMIT. A report's answer is only released after the commit.
 *
 * A batch that fails (a database error no schema foresaw) is split and retried in halves, so one
 * bad report fails alone and the others are still credited. A database that cannot be reached fails
 * the whole batch at once (503, the client resends): halves would only wait for it again.
 * `waitingSince` (performance.now()) is when the batch's first report arrived: its connection is
 * waited for only until the deadline counted from then, so no report waits for two deadlines.
 */
export async function processReportBatch(pipelined: PipelinedTransaction, items: ReportItem[], waitingSince = performance.now()): Promise<Array<ProgressAck | Error>> {
  try {
    return await pipelined({
      waitingSince,
      lock: lockLearners(items.map((i) => i.userId)),
      read: readBatchState(items),
      decide: (inTx, rows) => creditBatch(inTx, items, parseBatchState(rows)),
    })
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught))
    if (items.length === 1 || isDatabaseUnavailable(error)) return items.map(() => error)
    const half = Math.ceil(items.length / 2)
    return [...(await processReportBatch(pipelined, items.slice(0, half), waitingSince)), ...(await processReportBatch(pipelined, items.slice(half), waitingSince))]
  }
}

/** Why a report cannot be credited at all: its sign-in or playback session is not (or no longer) the sender's. */
function refusal(item: ReportItem, batch: BatchState): Error | null {
  const signIn = batch.signIns.get(item.authSessionId)
  const signInState = signIn && { ...signIn, userSessionVersion: signIn.version }
  if (!isSignInSessionLive(signInState, { userId: item.userId, sessionVersion: item.authSessionVersion }, item.now)) {
    return new SessionExpiredError()
  }
  const session = batch.sessions.get(item.sessionId)
  if (!session || session.userId !== item.userId) return new PlaybackNotFoundError()
  if (session.status !== 'active') return new PlaybackSupersededError()
  return null
}

/** Credits a locked batch; returns every report's answer and the statement that stores it all. */
async function creditBatch(inTx: () => Tx, items: ReportItem[], batch: BatchState): Promise<{ result: Array<ProgressAck | Error>; write: ReturnType<typeof writeBatch> | null }> {
  // The batch's working state: each report replaces the entries it changed, never edits them.
  const sessions = new Map(batch.sessions)
  const progress = new Map(batch.progress)
  const learners = new Map(batch.learners)
  const completedChapters = new Set<number>()
  const questionTexts = new Map<number, AntiIdleQuestion | null>()
  const questionText = async (id: number | null) => {
    if (id === null) return null
    if (!questionTexts.has(id)) questionTexts.set(id, await publicQuestion(inTx(), id))
    return questionTexts.get(id) ?? null
  }
  const stored: StoredReport[] = []
  const results: Array<ProgressAck | Error> = []

  for (const item of items) {
    const refused = refusal(item, batch)
    if (refused) {
      results.push(refused)
      continue
    }
    const session = sessions.get(item.sessionId) as SessionState
    const chapter = batch.chapters.get(session.chapterId) as ChapterFacts
    const key = progressKey(session.userId, session.chapterId)
    if (item.body.seq <= session.lastSeq) {
      // Sent again (a lost answer, a reload): the first answer is returned, nothing is credited.
      const again = stored.find((r) => r.sessionId === session.id && r.seq === item.body.seq)?.ack ?? (await storedAck(inTx(), session, item.body.seq, item.now))
      results.push(again ?? emptyAck(item.body.seq, chapter.id, progress.get(key)))
      continue
    }

    const positionMs = Math.round(item.body.positionSeconds * 1000)
    const outcome = creditReport(
      { session, progress: progress.get(key) as ProgressState, learner: learners.get(session.userId) as LearnerState, chapter },
      { seq: item.body.seq, positionMs, clientElapsedMs: item.body.clientElapsedMs, now: item.now },
    )
    countCreditingDecision(outcome.decision) // progress_reports_total{decision}: cheat attempts show here
    const learner = outcome.questionDue ? await withQuestion(inTx(), outcome, item.now) : outcome.learner
    if (outcome.completed) completedChapters.add(chapter.id)
    sessions.set(session.id, outcome.session)
    progress.set(key, outcome.progress)
    learners.set(learner.userId, learner)
    // Course and plan completion are decided in this same transaction as the report (LRN-6).
    const completion = outcome.completed
      ? await completeCourseAndPlan(inTx(), { userId: session.userId, ...chapter, completedNow: [...completedChapters] }, item.now)
      : { courseCompleted: false, planCompleted: false }

    const ack: ProgressAck = {
      seq: item.body.seq,
      creditedNow: outcome.creditedMs / 1000,
      chapter: chapterProgressOf(chapter.id, outcome.progress),
      rewindTo: outcome.rewindToMs === null ? null : outcome.rewindToMs / 1000,
      // Nothing is asked once the chapter or the plan is complete (a question waits for the next chapter).
      question: outcome.progress.completedAt || chapter.planCompleted || completion.planCompleted ? null : await questionText(learner.pendingQuestionId),
      ...completion,
    }
    results.push(ack)
    stored.push({ sessionId: session.id, seq: item.body.seq, positionMs: Math.min(positionMs, chapter.durationSeconds * 1000), creditedMs: outcome.creditedMs, at: item.now, ack })
  }

  const changes = {
    sessions: [...sessions.values()].filter((s) => s !== batch.sessions.get(s.id)),
    progress: [...progress.entries()].filter(([k, p]) => p !== batch.progress.get(k)).map(([, p]) => p),
    learners: [...learners.values()].filter((l) => l !== batch.learners.get(l.userId)),
  }
  const nothing = stored.length === 0 && changes.sessions.length === 0
  return { result: results, write: nothing ? null : writeBatch(changes, stored) }
}

/** The learner after a question fell due: asked one from the course's bank, if it has any. */
async function withQuestion(tx: Tx, outcome: ReportOutcome, now: Date): Promise<LearnerState> {
  const questionId = await pickQuestion(tx, outcome.chapter.courseId, null)
  return questionId === null ? skipQuestion(outcome.learner) : askQuestion(outcome.learner, questionId, outcome.chapter.id, now)
}

/** The answer to a resent report whose first answer was never stored (its batch did not commit). */
function emptyAck(seq: number, chapterId: number, progress: ProgressState | undefined): ProgressAck {
  return { seq, creditedNow: 0, chapter: chapterProgressOf(chapterId, progress), rewindTo: null, question: null, courseCompleted: false, planCompleted: false }
}
