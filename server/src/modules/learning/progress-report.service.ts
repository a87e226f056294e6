import type { ProgressAck, ProgressReportBody } from '@app/shared'
import type { PipelinedTransaction } from '../../db/pipelined-transaction.ts'
import type { LearningDeps } from './playback.service.ts'
import { createMicroBatcher, type MicroBatcher } from '../../core/micro-batch.ts'
import { processReportBatch } from './report-batch.service.ts'
import { observeProgressBatch } from '../../core/metrics.registry.ts'

/** Claims of the access token a report came with; the batch re-checks them against the database. */
export interface ReportAuth {
  userId: number
  authSessionId: string
  authSessionVersion: number
}

/** One report as received: who sent it, to which session, and when (by the server's clock). */
export interface ReportItem extends ReportAuth {
  sessionId: string
  body: ProgressReportBody
  now: Date
}

export type ReportBatcher = MicroBatcher<ReportItem, ProgressAck>

/** `waitMs`: how long a batch waits to fill (PROGRESS_BATCH_WAIT_MS); it starts sooner with 40 reports. */
export function createReportBatcher(pipelined: PipelinedTransaction, waitMs: number): ReportBatcher {
  return createMicroBatcher((items, since) => (observeProgressBatch(items.length), processReportBatch(pipelined, items, since)), { minFill: 40, fillWaitMs: waitMs })
}

/**
 * One progress report. Reports are credited in batches (report-batch.service.ts): everything a
 * report changes commits together with its batch, and its answer is released only after the commit.
 */
export function reportProgress(deps: Pick<LearningDeps, 'reports'>, who: ReportAuth, sessionId: string, body: ProgressReportBody, now: Date): Promise<ProgressAck> {
  return deps.reports.submit({ ...who, sessionId, body, now })
}
