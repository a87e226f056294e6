import type { FastifyInstance } from 'fastify'
import type { AppDb, Database } from '../db/client.ts'
import type { SmsProvider } from '../integrations/sms/provider.ts'
import type { WechatSettings } from '../integrations/wechat/settings.ts'
import healthRoutes from './health/health.routes.ts'
import catalogueRoutes from './catalogue/catalogue.routes.ts'
import authRoutes from './auth/auth.routes.ts'
import meRoutes from './auth/me.routes.ts'
import devRoutes from './auth/dev-sms-outbox.routes.ts'
import wechatOauthRoutes from './auth/wechat-oauth.routes.ts'
import type { AuthDeps } from './auth/auth.service.ts'
import { createDevOutboxProvider } from './auth/dev-sms-outbox.provider.ts'
import { createWechatPayClient } from '../integrations/wechat/pay/client.ts'
import orderRoutes from './orders/orders.routes.ts'
import { learnerProjectStates } from './orders/orders.repository.ts'
import notifyRoutes from './payments/notify.routes.ts'
import paymentRoutes from './payments/payments.routes.ts'
import reconciliation from './payments/reconciliation.job.ts'
import type { PaymentDeps } from './payments/payments.service.ts'
import jssdkRoutes from './wechat/jssdk.routes.ts'
import learningRoutes from './learning/learning.routes.ts'
import type { AntiIdleSettings } from './learning/anti-idle.rules.ts'
import certificateRoutes from './certificates/certificates.routes.ts'
import verifyRoutes from './certificates/verify.routes.ts'
import { userHasCertificate } from './certificates/certificates.repository.ts'
import staffRoutes from './staff/staff.routes.ts'
import staffAccountRoutes from './staff/staff-accounts.routes.ts'
import learnerConsoleRoutes from './staff-console/learners.routes.ts'
import goLiveRoutes from './golive/golive.routes.ts'
import bulkRegistrationRoutes from './bulk-registration/bulk-registration.routes.ts'
import groupOrderRoutes from './group-orders/group-orders.routes.ts'
import groupFileRoutes from './group-orders/group-files.routes.ts'
import groupOrderStaffRoutes from './group-orders/group-orders.staff-routes.ts'
import type { GroupOrderDeps } from './group-orders/group-orders.types.ts'
import type { CertificateSettings, InvoiceConfig, TencentSmsConfig, TransferAccount } from '../config.ts'
import { createInvoiceServices } from './invoices/invoices.setup.ts'
import { createReportBatcher } from './learning/progress-report.service.ts'
import { countingSmsProvider } from '../plugins/metrics.sms.ts'

export interface ModuleDeps {
  db: AppDb
  database: Database
  wechatMode: 'simulator' | 'live'
  wechat: WechatSettings
  version: string
  publicBaseUrl: string
  secureCookies: boolean
  smsHashKey: string
  sms: SmsProvider | null
  now: () => Date
  /** Background jobs (payment reconciliation) run in servers, not in tests that drive them directly. */
  runJobs: boolean
  antiIdle: AntiIdleSettings
  /** Issuer and seal, and the HMAC key (derived from the server secret) that signs certificates. */
  certificates: CertificateSettings & { signingKey: string }
  /** 团体购买: the 对公转账 account (null: not offered) and the key that signs its file links. */
  groupOrders: { transferAccount: TransferAccount | null; fileKey: string; dailyIdQuota: number }
  /** 电子发票: provider and seller configuration, and the key that signs PDF links. */
  invoices: { config: InvoiceConfig; fileLinkKey: string }
  /** The go-live check's staff API: the operator files folder and the SMS credentials it checks. */
  golive: { siteFilesDir: string | null; sms: TencentSmsConfig | null }
}

/** Origins whose pages may get a JS-SDK signature: ours (and its loopback twin in simulator mode). */
function jssdkOrigins(publicBaseUrl: string, simulator: boolean): string[] {
  const origin = new URL(publicBaseUrl)
  const origins = [origin.origin]
  if (simulator && (origin.hostname === 'localhost' || origin.hostname === '127.0.0.1')) {
    const twin = new URL(origin.origin)
    twin.hostname = origin.hostname === 'localhost' ? '127.0.0.1' : 'localhost'
    origins.push(twin.origin)
  }
  return origins
}

/** Registers every feature module under /api. Each module is an encapsulated plugin. */
export async function registerModules(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const auth: AuthDeps = {
    db: deps.db,
    smsHashKey: deps.smsHashKey,
    // Once a certificate exists, 我的 shows name and ID number as locked (ACC-6).
    hasCertificate: (userId) => userHasCertificate(deps.db, userId),
  }
  const cookies = { secure: deps.secureCookies }
  const certificates = {
    db: deps.db,
    signingKey: deps.certificates.signingKey,
    issuerName: deps.certificates.issuerName,
    seal: { text: deps.certificates.sealText, sample: deps.certificates.sealSample },
    publicBaseUrl: deps.publicBaseUrl,
    now: deps.now,
  }
  const sms = countingSmsProvider(deps.sms ?? createDevOutboxProvider(deps.db, app.log))
  const simulator = deps.wechatMode === 'simulator'
  const invoices = createInvoiceServices({ ...deps.invoices, db: deps.db, now: deps.now, log: app.log, publicBaseUrl: deps.publicBaseUrl, runJobs: deps.runJobs })
  const payments: PaymentDeps = {
    db: deps.db,
    wechat: deps.wechat,
    pay: createWechatPayClient(deps.wechat, { now: () => deps.now().getTime() }),
    publicBaseUrl: deps.publicBaseUrl,
    log: app.log,
    onRefunded: invoices.onRefunded,
  }

  // Readiness fails from the moment the server starts closing, so the proxy stops sending to it.
  let draining = false
  app.addHook('preClose', async () => {
    draining = true
  })
  await app.register(
    async (api) => {
      await api.register(healthRoutes, {
        ping: () => deps.database.ping(),
        pendingMigrations: () => deps.database.pendingMigrations(),
        draining: () => draining,
        database: deps.database.kind,
        wechat: deps.wechatMode,
        version: deps.version,
      })
      await api.register(catalogueRoutes, {
        db: deps.db,
        statesFor: (userId) => (projectIds) => learnerProjectStates(deps.db, userId, projectIds),
      })
      await api.register(authRoutes, { prefix: '/auth', auth, sms, cookies, wechatAppId: deps.wechat.appId, now: deps.now })
      await api.register(wechatOauthRoutes, {
        prefix: '/auth',
        db: deps.db,
        wechat: deps.wechat,
        publicBaseUrl: deps.publicBaseUrl,
        cookies,
        now: deps.now,
      })
      await api.register(meRoutes, { prefix: '/me', auth, now: deps.now })
      await api.register(orderRoutes, { prefix: '/orders', db: deps.db, now: deps.now })
      await api.register(paymentRoutes, { prefix: '/orders', deps: payments, simulator, now: deps.now })
      await api.register(learningRoutes, {
        prefix: '/learning',
        deps: { db: deps.db, antiIdle: deps.antiIdle, reports: createReportBatcher(deps.database.pipelined) },
        now: deps.now,
      })
      await api.register(certificateRoutes, { prefix: '/certificates', deps: certificates })
      await api.register(verifyRoutes, { prefix: '/verify', deps: certificates })
      await api.register(staffRoutes, { prefix: '/staff', db: deps.db, now: deps.now })
      await api.register(staffAccountRoutes, { prefix: '/staff/accounts', db: deps.db, now: deps.now })
      await api.register(learnerConsoleRoutes, { prefix: '/staff/learners', deps: { db: deps.db, sms, now: deps.now } })
      const groupOrders: GroupOrderDeps = { db: deps.db, now: deps.now, ...deps.groupOrders, payments }
      await api.register(groupOrderRoutes, { prefix: '/group-orders', deps: groupOrders })
      await api.register(groupFileRoutes, { prefix: '/group-orders', deps: groupOrders })
      await api.register(groupOrderStaffRoutes, { prefix: '/staff/group-orders', deps: groupOrders })
      await api.register(bulkRegistrationRoutes, { prefix: '/staff', deps: { db: deps.db, sms, now: deps.now } })
      await api.register(goLiveRoutes, {
        prefix: '/staff',
        deps: { db: deps.db, now: deps.now, wechatMode: deps.wechatMode, wechat: deps.wechat, publicBaseUrl: deps.publicBaseUrl, ...deps.golive },
      })
      await api.register(jssdkRoutes, {
        prefix: '/wechat',
        db: deps.db,
        wechat: deps.wechat,
        allowedOrigins: jssdkOrigins(deps.publicBaseUrl, simulator),
        simulator,
      })
      await api.register(invoices.routes, { prefix: '/invoices', deps: invoices.deps })
      await api.register(invoices.callbackRoutes, { prefix: '/invoice-callbacks', deps: invoices.deps })
      if (invoices.devMail) await api.register(invoices.devMail, { prefix: '/dev', db: deps.db })
      // The outbox route exists only while no real SMS provider is configured.
      if (!deps.sms) await api.register(devRoutes, { prefix: '/dev', db: deps.db, smsHashKey: deps.smsHashKey, now: deps.now })
    },
    { prefix: '/api' },
  )
  // WeChat Pay posts to the full paths notify_url names (payments.paths.ts), so no prefix here.
  await app.register(notifyRoutes, { deps: payments, now: deps.now })
  if (deps.runJobs) await app.register(reconciliation, { deps: payments, intervalMs: 60_000, now: deps.now })
  if (deps.runJobs) await app.register(invoices.job, { deps: invoices.deps })
}
