import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import catalogueRoutes, { type CatalogueRoutesOptions } from './catalogue.routes.ts'
import staffCatalogueRoutes from './staff-catalogue.routes.ts'

export interface CatalogueModuleOptions {
  ctx: AppContext
  /** The signed-in learner's state per project (bought, pending …): the orders feature answers it. */
  statesFor: CatalogueRoutesOptions['statesFor']
  /** The server's content folder: relative media of a manifest uploaded in the console are looked up there. */
  manifestDir: string
}

/** 培训项目: the public catalogue of projects, courses and chapters. */
const catalogueModule: FeatureModule<CatalogueModuleOptions> = async (app, { ctx, statesFor, manifestDir }) => {
  await app.register(catalogueRoutes, { db: ctx.db, statesFor })
  await app.register(staffCatalogueRoutes, { prefix: '/staff/catalogue', deps: { db: ctx.db, now: ctx.now, manifestDir } })
}

export default catalogueModule
