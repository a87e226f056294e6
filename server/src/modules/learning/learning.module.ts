import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { LearningConfig } from './learning.config.ts'
import learningRoutes from './learning.routes.ts'
import { createReportBatcher } from './progress-report.service.ts'
import type { VideoLinks } from './video-link.service.ts'

export interface LearningModuleOptions {
  ctx: AppContext
  config: LearningConfig
  /** The configured media provider's signer and link lifetime (app/build-app.ts). */
  videoLinks: VideoLinks
}

/** 学习: playback, progress reports, anti-idle questions, plans (mounted at /api/learning). */
const learningModule: FeatureModule<LearningModuleOptions> = async (app, { ctx, config, videoLinks }) => {
  await app.register(learningRoutes, {
    deps: { db: ctx.db, antiIdle: config.antiIdle, reports: createReportBatcher(ctx.database.pipelined) },
    now: ctx.now,
    videoLinks,
  })
}

export default learningModule
