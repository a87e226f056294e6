import type { AppContext, FeatureModule } from '../../core/app-context.ts'
import type { SmsProvider } from '../../integrations/sms/provider.ts'
import auditLogRoutes from './audit-log.routes.ts'
import type { PaymentDeps } from '../payments/payments.public.ts'
import learnerRoutes from './learners.routes.ts'
import moneyRoutes from './money.routes.ts'
import statsRoutes from './stats.routes.ts'

export interface StaffConsoleModuleOptions {
  ctx: AppContext
  /** auth's SMS sender: 重置密码 texts the one-time password through it. */
  sms: SmsProvider
  /** WeChat Pay as the payments feature built it: 退款 goes through its refund service. */
  payments: () => PaymentDeps
}

/**
 * The staff console's pages on the server (管理后台, mounted at /api/staff): 学员 — search, a
 * learner's record, reveal with a reason, and account actions; 订单与退款, 对公转账 and 团购订单
 * (money.routes.ts); 统计 and the completion report; 审计日志 (docs/staff.md). Sign-in and staff
 * accounts are the staff feature's; the console's front end is h5/src-staff/.
 */
const staffConsoleModule: FeatureModule<StaffConsoleModuleOptions> = async (app, { ctx, sms, payments }) => {
  await app.register(learnerRoutes, { prefix: '/learners', deps: { db: ctx.db, sms, now: ctx.now } })
  await app.register(statsRoutes, { prefix: '/stats', deps: { db: ctx.db, now: ctx.now }, warmAtStart: ctx.runJobs })
  await app.register(auditLogRoutes, { prefix: '/audit-log', db: ctx.db })
  await app.register(moneyRoutes, { deps: { db: ctx.db, payments, now: ctx.now } })
}

export default staffConsoleModule
