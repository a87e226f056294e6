import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import catalogueRoutes, { type CatalogueRoutesOptions } from './catalogue.routes.ts'

export interface CatalogueModuleOptions {
  ctx: AppContext
  /** The signed-in learner's state per project (bought, pending …): the orders feature answers it. */
  statesFor: CatalogueRoutesOptions['statesFor']
}

/** 培训项目: the public catalogue of projects, courses and chapters. */
const catalogueModule: FeatureModule<CatalogueModuleOptions> = async (app, { ctx, statesFor }) => {
  await app.register(catalogueRoutes, { db: ctx.db, statesFor })
}

export default catalogueModule
