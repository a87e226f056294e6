import { Type, type Static } from 'typebox'
import { courseCardFields } from './catalogue.ts'
import { IdParamsSchema, IdSchema, TimestampSchema } from './common.ts'
import { REPORT_LIMITS } from './learning-policy.ts'
import { ClosedObject, ListOf, Nullable } from './schema-helpers.ts'

export { REPORT_LIMITS, WRONG_ANSWERS_BEFORE_WITHDRAWAL } from './learning-policy.ts'

/** The learning routes' ids are database ids like every other route's (common.ts). */
export const LearningIdSchema = IdSchema
export const LearningIdParamsSchema = IdParamsSchema

/** How often the player reports its position (LRN-4); the server credits by wall-clock time anyway. */
export const REPORT_INTERVAL_SECONDS = 10
/** A chapter counts as watched when credit and furthest position reach this close to the end. */
export const CHAPTER_END_TOLERANCE_SECONDS = 3

/** A plan as its card names it: the project, its year and its category. */
export const planHeadingFields = {
  projectId: IdSchema,
  title: Type.String(),
  year: Type.Integer(),
  categoryName: Type.String(),
}

/** 学分要求 and the 学时 counted towards it. */
export const planHoursFields = {
  requiredHours: Type.Number(),
  countedHours: Type.Number(),
  /** 学时 still missing; 0 once completed. */
  remainingHours: Type.Number(),
}

/** 课程培训: a plan the learner is enrolled in, with 学分要求 and 计划完成度 (LRN-1, LRN-2). */
export const TrainingPlanSchema = ClosedObject({
  ...planHeadingFields,
  coverUrl: Nullable(Type.String()),
  ...planHoursFields,
  /** 0–100, rounded down so 99.9 % never shows as 100 %. */
  percent: Type.Integer(),
  completed: Type.Boolean(),
  completedAt: Nullable(TimestampSchema),
  courseCount: Type.Integer(),
  completedCourseCount: Type.Integer(),
})
export type TrainingPlan = Static<typeof TrainingPlanSchema>

export const TrainingPlanListSchema = ListOf('plans', TrainingPlanSchema)
export type TrainingPlanList = Static<typeof TrainingPlanListSchema>

export const LearningCourseSchema = ClosedObject({
  ...courseCardFields,
  completedChapterCount: Type.Integer(),
  completed: Type.Boolean(),
})
export type LearningCourse = Static<typeof LearningCourseSchema>

/** 进入学习: a page of the plan's courses (the manual's 「切换页码」). */
export const LearningCoursePageSchema = ClosedObject({
  plan: TrainingPlanSchema,
  courses: Type.Array(LearningCourseSchema),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer(),
})
export type LearningCoursePage = Static<typeof LearningCoursePageSchema>

/** Where the server stands on a chapter for this learner. */
const chapterProgressFields = {
  /** The furthest point the server has credited: where playback resumes. */
  resumeAtSeconds: Type.Number(),
  creditedSeconds: Type.Number(),
  completed: Type.Boolean(),
}

export const ChapterStateSchema = ClosedObject({
  id: IdSchema,
  title: Type.String(),
  /** A signed link to the chapter's video that expires (GET …/chapters/:id/video-link gives a fresh one). */
  videoUrl: Type.String(),
  durationSeconds: Type.Integer(),
  ...chapterProgressFields,
})
export type ChapterState = Static<typeof ChapterStateSchema>

/** The server's numbers for a chapter, as every progress answer carries them (kept small: it is the hot path). */
export const ChapterProgressSchema = ClosedObject({ id: IdSchema, ...chapterProgressFields })
export type ChapterProgress = Static<typeof ChapterProgressSchema>

export const CoursePlayerSchema = ClosedObject({
  course: LearningCourseSchema,
  projectId: IdSchema,
  chapters: Type.Array(ChapterStateSchema),
})
export type CoursePlayer = Static<typeof CoursePlayerSchema>

/** 防挂机 question as the learner sees it: never with its answer (LRN-5). */
export const AntiIdleQuestionSchema = ClosedObject({ id: IdSchema, prompt: Type.String(), options: Type.Array(Type.String()) })
export type AntiIdleQuestion = Static<typeof AntiIdleQuestionSchema>

/** A fresh signed link to a chapter's video, for a player whose link expired mid-study. */
export const ChapterVideoLinkSchema = ClosedObject({
  videoUrl: Type.String(),
  /** When the link stops working; null for an outside https URL that is not signed. */
  expiresAt: Nullable(TimestampSchema),
})
export type ChapterVideoLink = Static<typeof ChapterVideoLinkSchema>

export const PlaybackSessionSchema = ClosedObject({
  sessionId: Type.String(),
  chapter: ChapterStateSchema,
  reportIntervalSeconds: Type.Integer(),
  /** A question still waiting for an answer from before (it must be answered before credit resumes). */
  question: Nullable(AntiIdleQuestionSchema),
})
export type PlaybackSession = Static<typeof PlaybackSessionSchema>

export const ProgressReportBodySchema = ClosedObject({
  /** 1, 2, 3 … per session; a report resent with the same number is answered as before. */
  seq: Type.Integer({ minimum: 1, maximum: REPORT_LIMITS.maxSeq }),
  /** The video position in seconds. */
  positionSeconds: Type.Number({ minimum: 0, maximum: REPORT_LIMITS.maxPositionSeconds }),
  /** Milliseconds since the session was opened, by the page's monotonic clock (performance.now). */
  clientElapsedMs: Type.Integer({ minimum: 0, maximum: REPORT_LIMITS.maxClientElapsedMs }),
  playing: Type.Boolean(),
})
export type ProgressReportBody = Static<typeof ProgressReportBodySchema>

export const ProgressAckSchema = ClosedObject({
  seq: Type.Integer(),
  /** Seconds credited by this report (0 for a replay, a seek ahead, or while a question waits). */
  creditedNow: Type.Number(),
  chapter: ChapterProgressSchema,
  /** Set when the position was ahead of what may be credited: the player seeks back here. */
  rewindTo: Nullable(Type.Number()),
  question: Nullable(AntiIdleQuestionSchema),
  courseCompleted: Type.Boolean(),
  planCompleted: Type.Boolean(),
})
export type ProgressAck = Static<typeof ProgressAckSchema>

export const AnswerBodySchema = ClosedObject({ questionId: LearningIdSchema, answerIndex: Type.Integer({ minimum: 0, maximum: 9 }) })
export type AnswerBody = Static<typeof AnswerBodySchema>

export const AnswerResultSchema = ClosedObject({
  correct: Type.Boolean(),
  /** The next question after a wrong answer (null after a right one). */
  question: Nullable(AntiIdleQuestionSchema),
  /** Wrong answers in a row so far (0 after a right answer and after a withdrawal). */
  wrongInARow: Type.Integer(),
  /**
   * Set when this wrong answer was the WRONG_ANSWERS_BEFORE_WITHDRAWAL-th in a row: the chapter's
   * credit since the last right answer was withdrawn, and this is where the chapter now stands.
   */
  withdrawn: Nullable(ChapterProgressSchema),
})
export type AnswerResult = Static<typeof AnswerResultSchema>
