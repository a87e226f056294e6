import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  AnswerBodySchema,
  AnswerResultSchema,
  ChapterVideoLinkSchema,
  CoursePlayerSchema,
  LearningCoursePageSchema,
  LearningIdParamsSchema,
  PageQuerySchema,
  PlaybackSessionSchema,
  ProgressAckSchema,
  ProgressReportBodySchema,
  TrainingPlanListSchema,
} from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { answerQuestion } from './anti-idle.service.ts'
import type { LearningDeps } from './playback.service.ts'
import { coursePage, listPlans } from './plans.service.ts'
import { chapterVideoLink, coursePlayerWithLinks, openPlaybackWithLink, type VideoLinks } from './video-link.service.ts'
import { reportProgress } from './progress-report.service.ts'

export interface LearningRoutesOptions {
  deps: LearningDeps
  now: () => Date
  /** Signs chapter video links (integrations/media). */
  videoLinks: VideoLinks
}

const security = [{ bearer: [] }]
const SessionParamsSchema = Type.Object({ sessionId: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

/** 课程培训, 进入学习 and the player (LRN-1 … LRN-7); every query is scoped to the signed-in learner. */
const learningRoutes: FastifyPluginAsyncTypebox<LearningRoutesOptions> = async (app, { deps, now, videoLinks }) => {
  const { db } = deps
  const preHandler = app.authenticate

  app.get(
    '/plans',
    { preHandler, schema: { tags: ['learning'], summary: '课程培训：我的培训计划（学分要求、计划完成度）', security, response: withErrors({ 200: TrainingPlanListSchema }) } },
    async (request) => ({ plans: await listPlans(db, request.user.uid) }),
  )

  app.get(
    '/plans/:id/courses',
    {
      preHandler,
      schema: {
        tags: ['learning'],
        summary: '进入学习：课程列表（分页）',
        security,
        params: LearningIdParamsSchema,
        querystring: PageQuerySchema,
        response: withErrors({ 200: LearningCoursePageSchema }),
      },
    },
    async (request) => coursePage(db, request.user.uid, request.params.id, request.query.page ?? 1, request.query.pageSize ?? 12),
  )

  app.get(
    '/courses/:id',
    { preHandler, schema: { tags: ['learning'], summary: '课程播放页：章节与进度', security, params: LearningIdParamsSchema, response: withErrors({ 200: CoursePlayerSchema }) } },
    async (request) => coursePlayerWithLinks(db, videoLinks, request.user.uid, request.params.id, now()),
  )

  app.post(
    '/chapters/:id/sessions',
    { preHandler, schema: { tags: ['learning'], summary: '开始播放章节（服务器开启播放会话）', security, params: LearningIdParamsSchema, response: withErrors({ 201: PlaybackSessionSchema }) } },
    async (request, reply) => {
      reply.code(201)
      return openPlaybackWithLink(deps, videoLinks, request.user.uid, request.params.id, now())
    },
  )

  app.get(
    '/chapters/:id/video-link',
    {
      preHandler,
      schema: {
        tags: ['learning'],
        summary: '章节视频的新链接（链接过期后播放器续播用）',
        security,
        params: LearningIdParamsSchema,
        response: withErrors({ 200: ChapterVideoLinkSchema }),
      },
    },
    async (request) => chapterVideoLink(db, videoLinks, request.user.uid, request.params.id, now()),
  )

  app.post(
    '/sessions/:sessionId/reports',
    {
      // The report's own transaction checks the sign-in session (report-batch.service.ts), so only the
      // token's signature is checked here: one query less on the hottest path.
      preHandler: app.verifyAccessToken,
      schema: {
        tags: ['learning'],
        summary: '播放进度上报（约每10秒；按序号幂等）',
        security,
        params: SessionParamsSchema,
        body: ProgressReportBodySchema,
        response: withErrors({ 200: ProgressAckSchema }),
      },
    },
    async (request) =>
      reportProgress(
        deps,
        { userId: request.user.uid, authSessionId: request.user.sid, authSessionVersion: request.user.sv },
        request.params.sessionId,
        request.body,
        now(),
      ),
  )

  app.post(
    '/answers',
    { preHandler, schema: { tags: ['learning'], summary: '防挂机答题', security, body: AnswerBodySchema, response: withErrors({ 200: AnswerResultSchema }) } },
    async (request) => answerQuestion(deps, request.user.uid, request.body, now()),
  )
}
export default learningRoutes
