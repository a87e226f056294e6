import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { LearningConfig } from './learning.config.ts'
import learningRoutes from './learning.routes.ts'
import { createReportBatcher } from './progress-report.service.ts'
import type { VideoLinks } from './video-link.service.ts'
import progressHistory from './progress-history.job.ts'

export interface LearningModuleOptions {
  ctx: AppContext
  config: LearningConfig
  /** The configured media provider's signer and link lifetime (app/build-app.ts). */
  videoLinks: VideoLinks
}

/** 学习: playback, progress reports, anti-idle questions, plans (mounted at /api/learning), and the progress-history job. */
const learningModule: FeatureModule<LearningModuleOptions> = async (app, { ctx, config, videoLinks }) => {
  await app.register(learningRoutes, {
    deps: { db: ctx.db, antiIdle: config.antiIdle, reports: createReportBatcher(ctx.database.pipelined, config.batchWaitMs) },
    now: ctx.now,
    videoLinks,
  })
  if (ctx.runJobs) {
    const deps = { db: ctx.db, concurrentDetach: ctx.database.kind === 'postgres', rawRetentionDays: config.rawRetentionDays, log: ctx.log }
    await app.register(progressHistory, { deps, intervalMs: 5 * 60_000, now: ctx.now })
  }
}

export default learningModule
