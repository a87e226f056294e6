import type { FastifyInstance } from 'fastify'
import { maskIdNumber, maskName, maskPhone } from '@app/shared'
import type { AppContext } from '../core/app-context.ts'
import type { SmsProvider } from '../integrations/sms/provider.ts'
import type { WechatSettings } from '../integrations/wechat/settings.ts'
import type { SmsConfig } from '../modules/auth/auth.config.ts'
import authModule from '../modules/auth/auth.module.ts'
import { createSmsSender } from '../modules/auth/auth.public.ts'
import { findUserById } from '../modules/auth/users.repository.ts'
import bulkRegistrationModule from '../modules/bulk-registration/bulk-registration.module.ts'
import catalogueModule from '../modules/catalogue/catalogue.module.ts'
import type { CertificateSettings } from '../modules/certificates/certificates.config.ts'
import certificatesModule from '../modules/certificates/certificates.module.ts'
import { userHasCertificate } from '../modules/certificates/certificates.repository.ts'
import goLiveModule from '../modules/golive/golive.module.ts'
import type { GroupOrdersConfig } from '../modules/group-orders/group-orders.config.ts'
import groupOrdersModule from '../modules/group-orders/group-orders.module.ts'
import healthModule from '../modules/health/health.module.ts'
import type { InvoiceConfig } from '../modules/invoices/invoices.config.ts'
import invoicesModule from '../modules/invoices/invoices.module.ts'
import type { LearningConfig } from '../modules/learning/learning.config.ts'
import learningModule from '../modules/learning/learning.module.ts'
import type { VideoLinks } from '../modules/learning/video-link.service.ts'
import type { NoticesConfig } from '../modules/notices/notices.config.ts'
import noticesModule from '../modules/notices/notices.module.ts'
import ordersModule from '../modules/orders/orders.module.ts'
import { learnerProjectStates } from '../modules/orders/orders.repository.ts'
import paymentsModule from '../modules/payments/payments.module.ts'
import privacyModule from '../modules/privacy/privacy.module.ts'
import type { PaymentDeps } from '../modules/payments/payments.public.ts'
import staffModule from '../modules/staff/staff.module.ts'
import { recordStaffAction } from '../modules/staff/staff.public.ts'
import staffConsoleModule from '../modules/staff-console/staff-console.module.ts'
import wechatModule from '../modules/wechat/wechat.module.ts'

/** Every feature's configuration (defaults applied by build-app.ts) and what the composition holds for them. */
export interface FeatureSettings {
  version: string
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  sms: SmsConfig
  /** An SMS provider given instead of the configured one (tests); null: the development outbox. */
  smsProvider?: SmsProvider | null
  learning: LearningConfig
  /** Chapter videos as signed links of the configured media provider (MEDIA_PROVIDER). */
  videoLinks: VideoLinks
  certificates: CertificateSettings
  groupOrders: GroupOrdersConfig
  invoices: InvoiceConfig
  /** WeChat notices, reminders and 在线客服; the sample defaults when absent. */
  notices?: NoticesConfig
  siteFilesDir: string | null
  /** The content folder (SEED_DIR): manifests uploaded in the console find their relative media there. */
  seedDir: string
}

interface Mounted {
  register(app: FastifyInstance): Promise<void>
}

/**
 * One feature at its prefix. Its options are read when it registers, after every feature above it
 * in the list, so a value one feature provides (payments' dependencies) is there for the next.
 */
function mount<O extends { ctx: AppContext }>(plugin: (app: FastifyInstance, options: O) => Promise<void>, prefix: string, options: () => O): Mounted {
  return {
    async register(app) {
      await app.register(plugin, { ...options(), prefix })
    },
  }
}

/** A value one feature hands to another through the composition, set while the first registers. */
function handOver<T>(name: string) {
  let value: T | undefined
  return {
    set: (given: T) => void (value = given),
    get(): T {
      if (value === undefined) throw new Error(`${name} is used before the feature providing it registered`)
      return value
    },
  }
}

/**
 * The one list of features and where they mount. Adding a feature: its folder under modules/ with a
 * `<feature>.module.ts`, and one line here. What a feature needs from another is passed here as a
 * typed hook (hasCertificate, statesFor, onRefunded …), never imported between them.
 */
export async function registerModules(app: FastifyInstance, ctx: AppContext, s: FeatureSettings): Promise<void> {
  const sms = createSmsSender(ctx, s.sms, s.smsProvider)
  const payments = handOver<PaymentDeps>('payments')
  const onRefunded = handOver<(outTradeNo: string) => Promise<void>>('onRefunded')
  const { wechat, wechatMode } = s

  const features: Mounted[] = [
    mount(healthModule, '/api', () => ({ ctx, wechatMode, version: s.version })),
    mount(catalogueModule, '/api', () => ({ ctx, statesFor: (userId: number) => (projectIds: number[]) => learnerProjectStates(ctx.db, userId, projectIds), manifestDir: s.seedDir })),
    mount(authModule, '/api', () => ({ ctx, sms, wechat, hasCertificate: (userId: number) => userHasCertificate(ctx.db, userId) })),
    mount(ordersModule, '/api/orders', () => ({ ctx })),
    mount(invoicesModule, '/api', () => ({ ctx, config: s.invoices, provideOnRefunded: onRefunded.set })),
    mount(paymentsModule, '', () => ({ ctx, wechatMode, wechat, onRefunded: (outTradeNo: string) => onRefunded.get()(outTradeNo), provide: payments.set })),
    mount(learningModule, '/api/learning', () => ({ ctx, config: s.learning, videoLinks: s.videoLinks })),
    mount(certificatesModule, '/api', () => ({ ctx, config: s.certificates })),
    mount(staffModule, '/api/staff', () => ({ ctx })),
    mount(groupOrdersModule, '/api', () => ({ ctx, config: s.groupOrders, payments: payments.get() })),
    mount(bulkRegistrationModule, '/api/staff', () => ({ ctx, sms: sms.provider })),
    mount(staffConsoleModule, '/api/staff', () => ({ ctx, sms: sms.provider, payments: payments.get })),
    mount(goLiveModule, '/api/staff', () => ({ ctx, wechatMode, wechat, siteFilesDir: s.siteFilesDir, sms: s.sms?.tencent ?? null, ...(s.notices ? { notices: s.notices } : {}) })),
    mount(wechatModule, '/api/wechat', () => ({ ctx, wechatMode, wechat })),
    mount(privacyModule, '/api', () => ({ ctx })),
    mount(noticesModule, '/api', () => ({
      ctx,
      wechat,
      ...(s.notices ? { config: s.notices } : {}),
      describeLearner: async (userId: number) => {
        const user = await findUserById(ctx.db, userId)
        return user ? { maskedName: maskName(user.realName), maskedPhone: maskPhone(user.phone), maskedIdNumber: maskIdNumber(user.idNumber) } : null
      },
      audit: recordStaffAction,
    })),
  ]
  for (const feature of features) await feature.register(app)
}
