import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  IdParamsSchema,
  LearnerDetailSchema,
  LearnerPageSchema,
  LearnerPasswordResetSchema,
  LearnerPhoneChangeBodySchema,
  LearnerProfileCorrectionBodySchema,
  LearnerReasonBodySchema,
  LearnerRevealBodySchema,
  LearnerRevealSchema,
  LearnerSearchQuerySchema,
  LearnerTimelineQuerySchema,
  LearnerTimelineSchema,
} from '@app/shared'
import { withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import {
  changeLearnerPhone,
  correctLearnerProfile,
  learnerDetail,
  learnerTimeline,
  resetLearnerPassword,
  revealLearnerField,
  searchLearners,
  setLearnerDisabled,
  unbindLearnerWechat,
  type LearnerConsoleDeps,
} from './learners.service.ts'

const security = [{ staffBearer: [] }]
const tags = ['staff-console']
const noStore = { 'cache-control': 'no-store' }

/**
 * 学员 in the staff console (docs/staff.md): every role may search and read (masked); 客服 and
 * 管理员 reveal a full number (with a reason) and act on the account, each action audited in the
 * transaction that makes it.
 */
const learnerRoutes: FastifyPluginAsyncTypebox<{ deps: Omit<LearnerConsoleDeps, 'log'> }> = async (app, { deps: base }) => {
  const deps: LearnerConsoleDeps = { ...base, log: app.log }
  const { db, now } = deps
  const read = app.requireStaff
  const act = app.requireStaffRole('operator')

  app.get(
    '/',
    { preHandler: read, schema: { tags, summary: '查找学员（身份证号、手机号或姓名精确查找，分页）', security, querystring: LearnerSearchQuerySchema, response: withErrors({ 200: LearnerPageSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return searchLearners(db, request.query)
    },
  )

  app.get(
    '/:id',
    { preHandler: read, schema: { tags, summary: '学员详情（身份证号、手机号已隐去部分数字）', security, params: IdParamsSchema, response: withErrors({ 200: LearnerDetailSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return learnerDetail(db, request.params.id)
    },
  )

  app.get(
    '/:id/timeline',
    { preHandler: read, schema: { tags, summary: '一门课程的学习记录（播放与防挂机答题，分页）', security, params: IdParamsSchema, querystring: LearnerTimelineQuerySchema, response: withErrors({ 200: LearnerTimelineSchema }) } },
    async (request) => learnerTimeline(db, request.params.id, request.query.courseId, { page: request.query.page ?? 1, pageSize: request.query.pageSize ?? 20 }),
  )

  app.post(
    '/:id/reveal',
    { preHandler: act, schema: { tags, summary: '查看完整身份证号或手机号（须填写原因，记入审计日志）', security, params: IdParamsSchema, body: LearnerRevealBodySchema, response: withErrors({ 200: LearnerRevealSchema }) } },
    async (request, reply) => {
      reply.headers(noStore)
      return revealLearnerField(db, currentStaff(request), request.params.id, request.body.field, request.body.reason, now())
    },
  )

  app.post(
    '/:id/reset-password',
    { preHandler: act, schema: { tags, summary: '重置密码（短信发送一次性密码，首次登录须修改）', security, params: IdParamsSchema, body: LearnerReasonBodySchema, response: withErrors({ 200: LearnerPasswordResetSchema }) } },
    async (request) => resetLearnerPassword(deps, currentStaff(request), request.params.id, request.body.reason),
  )

  app.post(
    '/:id/phone',
    { preHandler: act, schema: { tags, summary: '核实身份后更换手机号', security, params: IdParamsSchema, body: LearnerPhoneChangeBodySchema, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await changeLearnerPhone(deps, currentStaff(request), request.params.id, request.body)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/:id/unbind-wechat',
    { preHandler: act, schema: { tags, summary: '解除微信绑定', security, params: IdParamsSchema, body: LearnerReasonBodySchema, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await unbindLearnerWechat(deps, currentStaff(request), request.params.id, request.body.reason)
      return reply.code(204).send(null)
    },
  )

  for (const [path, disabled, summary] of [
    ['disable', true, '停用学员账号'],
    ['enable', false, '启用学员账号'],
  ] as const) {
    app.post(
      `/:id/${path}`,
      { preHandler: act, schema: { tags, summary, security, params: IdParamsSchema, body: LearnerReasonBodySchema, response: withErrors({ 204: Type.Null() }) } },
      async (request, reply) => {
        await setLearnerDisabled(deps, currentStaff(request), request.params.id, disabled, request.body.reason)
        return reply.code(204).send(null)
      },
    )
  }

  app.post(
    '/:id/profile',
    { preHandler: act, schema: { tags, summary: '更正姓名、身份证号（仅限尚无证书时）', security, params: IdParamsSchema, body: LearnerProfileCorrectionBodySchema, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await correctLearnerProfile(deps, currentStaff(request), request.params.id, request.body)
      return reply.code(204).send(null)
    },
  )
}
export default learnerRoutes
