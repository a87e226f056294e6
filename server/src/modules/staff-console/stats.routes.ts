import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CompletionReportQuerySchema, CompletionSummaryQuerySchema, CompletionSummarySchema, StatsOverviewSchema } from '@app/shared'
import { BinarySchema, withErrors } from '../../core/route-schemas.ts'
import { currentStaff } from '../staff/staff.public.ts'
import { createStatsService, type StatsDeps } from './stats.service.ts'

const security = [{ staffBearer: [] }]
const tags = ['staff-console']
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** 统计 (docs/staff.md): every role reads the figures and downloads the completion report (ID numbers masked). */
const statsRoutes: FastifyPluginAsyncTypebox<{ deps: Omit<StatsDeps, 'log'>; warmAtStart: boolean }> = async (app, { deps, warmAtStart }) => {
  const stats = createStatsService({ ...deps, log: app.log })
  // Where the server runs its jobs (not in tests), the slow figures are counted as it starts.
  if (warmAtStart) {
    app.addHook('onReady', async () => {
      void stats.warm()
    })
  }
  const read = app.requireStaff

  app.get(
    '/overview',
    { preHandler: read, schema: { tags, summary: '统计：今日和本年的订单、收入、注册，正在学习的人数', security, response: withErrors({ 200: StatsOverviewSchema }) } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store')
      return stats.overview()
    },
  )

  app.get(
    '/completion',
    { preHandler: read, schema: { tags, summary: '统计：年度计划按区县、按单位的完成情况', security, querystring: CompletionSummaryQuerySchema, response: withErrors({ 200: CompletionSummarySchema }) } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return stats.completion(request.query)
    },
  )

  app.get(
    '/completion-report',
    { preHandler: read, schema: { tags, summary: '下载完成情况报表（.xlsx，身份证号已隐去部分数字，记入审计日志）', security, querystring: CompletionReportQuerySchema, response: withErrors({ 200: BinarySchema }) } },
    async (request, reply) => {
      const { file, fileName } = await stats.completionReportFile(currentStaff(request), request.query)
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="completion-report.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
        .header('cache-control', 'private, no-store')
        .send(file)
    },
  )
}
export default statsRoutes
