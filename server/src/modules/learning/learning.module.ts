import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { LearningConfig } from './learning.config.ts'
import learningRoutes from './learning.routes.ts'
import { createReportBatcher } from './progress-report.service.ts'
import progressHistory from './progress-history.job.ts'

export interface LearningModuleOptions {
  ctx: AppContext
  config: LearningConfig
}

/** 学习: playback, progress reports, anti-idle questions, plans (mounted at /api/learning), and the progress-history job. */
const learningModule: FeatureModule<LearningModuleOptions> = async (app, { ctx, config }) => {
  await app.register(learningRoutes, {
    deps: { db: ctx.db, antiIdle: config.antiIdle, reports: createReportBatcher(ctx.database.pipelined) },
    now: ctx.now,
  })
  if (ctx.runJobs) {
    const deps = { db: ctx.db, concurrentDetach: ctx.database.kind === 'postgres', rawRetentionDays: config.rawRetentionDays, log: ctx.log }
    await app.register(progressHistory, { deps, intervalMs: 5 * 60_000, now: ctx.now })
  }
}

export default learningModule
