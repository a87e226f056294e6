import type {
  AnswerBody,
  AnswerResult,
  ChapterVideoLink,
  CoursePlayer,
  LearningCoursePage,
  PlaybackSession,
  ProgressAck,
  ProgressReportBody,
  TrainingPlan,
  TrainingPlanList,
} from '@app/shared/learning'
import { ErrorCode } from '@app/shared/error-codes'
import { isApiError, http } from './http.ts'

// 课程培训, 进入学习 and the player (LRN-1 … LRN-7). Every route needs the signed-in learner; the
// bearer token and the 401-refresh come from http.ts. What counts as watched is decided by the
// server: the page only reports what it played and shows the numbers it gets back.

/** GET /api/learning/plans: 课程培训, the learner's plans with 学分要求 and 计划完成度. */
export async function fetchPlans(signal?: AbortSignal): Promise<TrainingPlan[]> {
  const list = await http.get<TrainingPlanList>('/learning/plans', { signal })
  return list.plans
}

/** GET /api/learning/plans/:projectId/courses: one page of a plan's courses. 403 NOT_ENROLLED. */
export function fetchCoursePage(
  projectId: number,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<LearningCoursePage> {
  return http.get<LearningCoursePage>(`/learning/plans/${projectId}/courses`, { params: { page, pageSize }, signal })
}

/** GET /api/learning/courses/:id: the course with its chapters and the credited progress of each. */
export function fetchCoursePlayer(courseId: number, signal?: AbortSignal): Promise<CoursePlayer> {
  return http.get<CoursePlayer>(`/learning/courses/${courseId}`, { signal })
}

/**
 * POST /api/learning/chapters/:id/sessions (201): the server opens a playback session, superseding
 * any other playback of the account, and may hand back a 防挂机 question still waiting.
 */
export function openPlaybackSession(chapterId: number): Promise<PlaybackSession> {
  return http.post<PlaybackSession>(`/learning/chapters/${chapterId}/sessions`)
}

/**
 * GET /api/learning/chapters/:id/video-link: a fresh signed link to the chapter's video, for a player
 * whose link expired mid-study. 403 NOT_ENROLLED.
 */
export function fetchVideoLink(chapterId: number): Promise<ChapterVideoLink> {
  return http.get<ChapterVideoLink>(`/learning/chapters/${chapterId}/video-link`)
}

/**
 * POST /api/learning/sessions/:sessionId/reports: one progress report, idempotent by (session, seq).
 * 409 PLAYBACK_SUPERSEDED, 404 PLAYBACK_NOT_FOUND.
 */
export function sendProgressReport(sessionId: string, body: ProgressReportBody): Promise<ProgressAck> {
  return http.post<ProgressAck>(`/learning/sessions/${encodeURIComponent(sessionId)}/reports`, body)
}

/**
 * The codes that mean this page no longer holds the playback (played on another device, or the
 * session is gone): its reports are refused for good, and the learner may open it again.
 */
export const PLAYBACK_LOST_CODES = [ErrorCode.PLAYBACK_SUPERSEDED, ErrorCode.PLAYBACK_NOT_FOUND] as const

export function isPlaybackLost(error: unknown): boolean {
  return isApiError(error, ...PLAYBACK_LOST_CODES)
}

/**
 * POST /api/learning/answers: the pending 防挂机 question. 429 ANSWER_TOO_FAST, 409 QUESTION_NOT_PENDING.
 * The third wrong answer in a row withdraws the chapter's credit since the last right one (`withdrawn`).
 */
export function answerQuestion(body: AnswerBody): Promise<AnswerResult> {
  return http.post<AnswerResult>('/learning/answers', body)
}
