import type { FeatureModule, AppContext } from '../../core/app-context.ts'
import type { PaymentDeps } from '../payments/payments.public.ts'
import groupFileRoutes from './group-files.routes.ts'
import type { GroupOrdersConfig } from './group-orders.config.ts'
import groupOrderRoutes from './group-orders.routes.ts'
import groupOrderStaffRoutes from './group-orders.staff-routes.ts'
import type { GroupOrderDeps } from './group-orders.types.ts'

export interface GroupOrdersModuleOptions {
  ctx: AppContext
  config: GroupOrdersConfig
  /** WeChat Pay as the payments feature set it up. */
  payments: PaymentDeps
}

/** 团体购买: group orders, their files and the staff's 对公转账 confirmation (mounted at /api). */
const groupOrdersModule: FeatureModule<GroupOrdersModuleOptions> = async (app, { ctx, config, payments }) => {
  const deps: GroupOrderDeps = {
    db: ctx.db,
    now: ctx.now,
    transferAccount: config.transferAccount,
    dailyIdQuota: config.dailyIdQuota,
    fileKey: ctx.deriveKey('group-order-files'),
    payments,
  }
  await app.register(groupOrderRoutes, { prefix: '/group-orders', deps })
  await app.register(groupFileRoutes, { prefix: '/group-orders', deps })
  await app.register(groupOrderStaffRoutes, { prefix: '/staff/group-orders', deps })
}

export default groupOrdersModule
