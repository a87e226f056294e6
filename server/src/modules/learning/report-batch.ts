import { and, eq, type SQL } from 'drizzle-orm'
import type { ProgressAck } from '@app/shared'
import type { PipelinedTransaction } from '../../db/pipelined-transaction.ts'
import { progressReports } from '../../db/schema.ts'
import { SessionExpiredError } from '../auth/auth.errors.ts'
import { pickQuestion, publicQuestion } from './anti-idle.ts'
import { decideCredit } from './crediting.ts'
import { countCreditingDecision } from '../../plugins/metrics.registry.ts'
import { PlaybackNotFoundError, PlaybackSupersededError } from './learning.errors.ts'
import type { Tx } from './learning.types.ts'
import { chapterProgressOf, completeCourseAndPlan, isChapterWatched } from './progress.repository.ts'
import { parseBatchState, readBatchState, writeBatch, type ReportItem, type Row } from './report-batch.repository.ts'

export type { ReportItem } from './report-batch.repository.ts'

/**
 * Processes a batch of progress reports in ONE transaction (LRN-4 … LRN-7): the sessions are
 * locked, each report is credited in arrival order by the rule of crediting.ts, and all changes
 * (credit, completions, anti-idle questions, stored answers for replays) are written with one
 * multi-row statement (a few when a chapter completes). On PostgreSQL the usual batch costs two
 * round trips: BEGIN + read, write + COMMIT. A report's answer is only released after the commit.
 */
export async function processReportBatch(pipelined: PipelinedTransaction, items: ReportItem[]): Promise<Array<ProgressAck | Error>> {
  return pipelined({ read: readBatchState(items), decide: (inTx, result) => creditBatch(inTx, items, parseBatchState(result)) })
}

/** Credits a locked batch; returns every report's answer and the statement that stores it all. */
async function creditBatch(
  inTx: () => Tx,
  items: ReportItem[],
  { rows, auth }: ReturnType<typeof parseBatchState>,
): Promise<{ result: Array<ProgressAck | Error>; write: SQL | null }> {
  const results: Array<ProgressAck | Error> = []
  const touched = new Set<Row>()
  const newReports: Array<{ sessionId: string; seq: number; positionMs: number; creditedMs: number; at: Date; ack: ProgressAck; questionId: number | null }> = []
  const replays: Array<{ index: number; sessionId: string; seq: number }> = []
  const completions: Array<{ index: number; row: Row; now: Date }> = []

  for (const [index, item] of items.entries()) {
    const who = auth.get(item.authSessionId)
    if (!who || who.userId !== item.userId || who.revokedAt || who.expiresAt <= item.now || who.version !== item.authSessionVersion) {
      results.push(new SessionExpiredError())
      continue
    }
    const row = rows.get(item.sessionId)
    if (!row || row.session.userId !== item.userId || !row.progress || !row.antiIdle) {
      results.push(new PlaybackNotFoundError())
      continue
    }
    if (row.session.status !== 'active') {
      results.push(new PlaybackSupersededError())
      continue
    }
    const { session, progress, antiIdle: idle } = row
    const { body, now } = item
    if (body.seq <= session.lastSeq) {
      // Sent again (a lost answer, a reload): the first answer is returned, nothing is credited.
      results.push(new Error('replay placeholder'))
      replays.push({ index, sessionId: session.id, seq: body.seq })
      continue
    }

    const positionMs = Math.round(body.positionSeconds * 1000)
    const decision = decideCredit(
      {
        furthestMs: progress.furthestMs,
        durationMs: row.chapter.durationSeconds * 1000,
        lastClientMs: session.lastClientMs,
        sessionCreditedMs: session.creditedMs,
        serverElapsedMs: now.getTime() - session.openedAt.getTime(),
      },
      { positionMs, clientElapsedMs: body.clientElapsedMs },
    )
    countCreditingDecision(decision)
    let creditMs = 0
    let rewindToMs = decision.rewindToMs
    if (idle.pendingQuestionId !== null) {
      // Nothing is credited while a question waits for its answer.
      rewindToMs = positionMs > progress.furthestMs ? progress.furthestMs : null
    } else if (decision.kind === 'credit') {
      creditMs = decision.creditMs
      const untilQuestion = idle.nextDueMs - idle.creditedSinceQuestionMs
      if (creditMs >= untilQuestion) {
        const questionId = await pickQuestion(inTx(), row.chapter.courseId, null)
        if (questionId !== null) {
          // Credit stops at the moment the question falls due; the player pauses there.
          creditMs = Math.max(0, untilQuestion)
          rewindToMs = progress.furthestMs + creditMs
          idle.pendingQuestionId = questionId
          idle.pendingSince = now
          idle.creditedSinceQuestionMs += creditMs
        } else {
          idle.creditedSinceQuestionMs = 0 // a course without a question bank: nothing to ask
        }
      } else {
        idle.creditedSinceQuestionMs += creditMs
      }
    }

    progress.creditedMs += creditMs
    progress.furthestMs += creditMs
    const justCompleted = !progress.completedAt && isChapterWatched(progress, row.chapter.durationSeconds)
    if (justCompleted) progress.completedAt = now
    if (creditMs > 0 || justCompleted) progress.updatedAt = now
    session.lastSeq = body.seq
    // A refused report (too fast, stale) does not move the base: the next honest report is
    // measured from the last accepted one.
    if (!(decision.kind === 'none' && (decision.reason === 'too_fast' || decision.reason === 'stale'))) {
      session.lastClientMs = Math.max(session.lastClientMs, decision.clientMs)
    }
    session.creditedMs += creditMs
    session.lastReportAt = now
    touched.add(row)

    const ack: ProgressAck = {
      seq: body.seq,
      creditedNow: creditMs / 1000,
      chapter: chapterProgressOf(row.chapter.id, progress),
      rewindTo: rewindToMs === null ? null : rewindToMs / 1000,
      question: null,
      courseCompleted: false,
      planCompleted: false,
    }
    results.push(ack)
    newReports.push({ sessionId: session.id, seq: body.seq, positionMs, creditedMs: creditMs, at: now, ack, questionId: idle.pendingQuestionId })
    if (justCompleted) completions.push({ index, row, now })
  }

  // Question texts are looked up first, so the stored answers (for replays) include them.
  const questionIds = [...new Set(newReports.map((r) => r.questionId).filter((id): id is number => id !== null))]
  const shown = new Map<number, Awaited<ReturnType<typeof publicQuestion>>>()
  for (const id of questionIds) shown.set(id, await publicQuestion(inTx(), id))
  for (const report of newReports) report.ack.question = report.questionId === null ? null : (shown.get(report.questionId) ?? null)

  for (const replay of replays) {
    const inBatch = newReports.find((r) => r.sessionId === replay.sessionId && r.seq === replay.seq)
    const [stored] = inBatch
      ? [{ ack: inBatch.ack }]
      : await inTx()
          .select({ ack: progressReports.ack })
          .from(progressReports)
          .where(and(eq(progressReports.sessionId, replay.sessionId), eq(progressReports.seq, replay.seq)))
    const row = rows.get(replay.sessionId) as Row
    results[replay.index] = (stored?.ack as ProgressAck | undefined) ?? {
      seq: replay.seq,
      creditedNow: 0,
      chapter: chapterProgressOf(row.chapter.id, row.progress ?? undefined),
      rewindTo: null,
      question: null,
      courseCompleted: false,
      planCompleted: false,
    }
  }

  const changed = [...touched]
  if (completions.length === 0) {
    // The usual batch: one statement, sent together with COMMIT.
    return { result: results, write: changed.length > 0 || newReports.length > 0 ? writeBatch(changed, newReports) : null }
  }
  // Course and plan completion read the chapters' progress, so it is written first; all in
  // this same transaction as the report that completes them (LRN-6).
  const tx = inTx()
  await tx.execute(writeBatch(changed, []))
  for (const { index, row, now } of completions) {
    const outcome = await completeCourseAndPlan(
      tx,
      { userId: row.session.userId, courseId: row.chapter.courseId, courseHours: row.courseHours, projectId: row.projectId, requiredHours: row.requiredHours },
      now,
    )
    // The same object as the stored answer, so a replay of this report says so too.
    Object.assign(results[index] as ProgressAck, outcome)
  }
  return { result: results, write: writeBatch([], newReports) }
}
