import { randomUUID } from 'node:crypto'
import { REPORT_INTERVAL_SECONDS, type PlaybackSession } from '@app/shared'
import type { AppDb } from '../../db/client.ts'
import { lockLearner, publicQuestion } from './anti-idle.repository.ts'
import type { AntiIdleSettings } from './anti-idle.rules.ts'
import { ChapterNotFoundError, NotEnrolledError, PlaybackOpenConflictError, PlaybackOpenedTooOftenError } from './learning.errors.ts'
import { countOpensSince, insertActiveSession, supersedeActive } from './playback.repository.ts'
import { mayOpenSession, OPEN_WINDOW_MS } from './playback.rules.ts'
import type { ReportBatcher } from './progress-report.service.ts'
import { ensureProgress, findActiveEnrollment, findChapterContext } from './progress.repository.ts'
import { chapterState } from './progress.rules.ts'
import { isUniqueViolation } from '../../core/db-errors.ts'

export interface LearningDeps {
  db: AppDb
  antiIdle: AntiIdleSettings
  /** Batches progress reports into shared transactions (createReportBatcher). */
  reports: ReportBatcher
}

/**
 * Opens a playback session for a chapter (LRN-3, LRN-4). Any other open session of the account is
 * superseded: one account plays one video at a time, and the other tab is told so on its next
 * report. Opens are serialised per learner (the learner lock) and rate-limited (playback.rules.ts).
 */
export async function openPlayback(deps: Pick<LearningDeps, 'db' | 'antiIdle'>, userId: number, chapterId: number, now: Date): Promise<PlaybackSession> {
  try {
    return await deps.db.transaction(async (tx) => {
      const ctx = await findChapterContext(tx, chapterId)
      if (!ctx) throw new ChapterNotFoundError()
      const enrollment = await findActiveEnrollment(tx, userId, ctx.projectId)
      if (!enrollment) throw new NotEnrolledError()
      const learner = await lockLearner(tx, userId, deps.antiIdle)
      if (!mayOpenSession(await countOpensSince(tx, userId, new Date(now.getTime() - OPEN_WINDOW_MS)))) throw new PlaybackOpenedTooOftenError()
      await supersedeActive(tx, userId)
      const sessionId = randomUUID()
      await insertActiveSession(tx, { id: sessionId, userId, chapterId, openedAt: now })
      const progress = await ensureProgress(tx, userId, chapterId, now)
      // A question still waiting is asked again, but not over a chapter or plan already complete.
      const asks = !progress.completedAt && !enrollment.completedAt
      return {
        sessionId,
        chapter: chapterState(ctx.chapter, progress),
        reportIntervalSeconds: REPORT_INTERVAL_SECONDS,
        question: asks ? await publicQuestion(tx, learner.pendingQuestionId) : null,
      }
    })
  } catch (error) {
    // The learner lock makes this unreachable in practice; a unique-index race is still a refusal, never a 500.
    if (isUniqueViolation(error)) throw new PlaybackOpenConflictError()
    throw error
  }
}

