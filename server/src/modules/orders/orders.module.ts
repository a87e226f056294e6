import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import orderRoutes from './orders.routes.ts'

export interface OrdersModuleOptions {
  ctx: AppContext
}

/** 个人购买: a learner's own orders (mounted at /api/orders). */
const ordersModule: FeatureModule<OrdersModuleOptions> = async (app, { ctx }) => {
  await app.register(orderRoutes, { db: ctx.db, now: ctx.now })
}

export default ordersModule
