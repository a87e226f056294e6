import { randomUUID } from 'node:crypto'
import path from 'node:path'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { DEFAULT_GROUP_CHECK_DAILY_IDS, SAMPLE_TRANSFER_ACCOUNT } from '../modules/group-orders/group-orders.config.ts'
import { DEVELOPMENT_INVOICE_CONFIG } from '../modules/invoices/invoices.config.ts'
import { SAMPLE_CERTIFICATE_SETTINGS } from '../modules/certificates/certificates.config.ts'
import { DEFAULT_BATCH_WAIT_MS, DEFAULT_RAW_RETENTION_DAYS } from '../modules/learning/learning.config.ts'
import { deriveKey, SAMPLE_PERSONAL_DATA_KEYS, type Config } from './app.config.ts'
import { usePersonalDataKeys } from '../crypto/personal-data.ts'
import type { Database } from '../db/client.ts'
import type { WechatSettings } from '../integrations/wechat/settings.ts'
import type { SmsProvider } from '../integrations/sms/provider.ts'
import { DEFAULT_MEDIA_CONFIG } from '../integrations/media/config.ts'
import { createMediaUrlSigner } from '../integrations/media/index.ts'
import authPlugin from '../plugins/auth.ts'
import { loggerOptions } from '../core/logger.ts'
import errorHandler from '../plugins/error-handler.ts'
import metrics from '../plugins/metrics.ts'
import openapi from '../plugins/openapi.ts'
import securityHeaders from '../plugins/security-headers.ts'
import { checkSession } from '../modules/auth/sessions.service.ts'
import staticFiles from '../plugins/static-files.ts'
import { registerModules } from './modules.ts'
import type { AppContext } from '../core/app-context.ts'
import { buildValidator } from '../core/validation.ts'
import staffGuard from '../modules/staff/staff.guard.ts'
import { NOTIFY_PATH, REFUND_NOTIFY_PATH } from '../modules/payments/payments.paths.ts'

export const APP_VERSION = '0.1.0'

export interface AppDeps {
  config: Pick<Config, 'logLevel' | 'h5DistDir' | 'seedDir' | 'trustProxy' | 'publicBaseUrl' | 'antiIdle'> & Partial<Pick<Config, 'certificate' | 'siteFilesDir' | 'invoice' | 'notices' | 'transferAccount' | 'sms' | 'groupCheckDailyIds' | 'personalDataKeys' | 'media' | 'progressRawRetentionDays' | 'progressBatchWaitMs'>>
  database: Database
  wechatMode: 'simulator' | 'live'
  /** Our client's WeChat settings (real hosts, or the simulator's). */
  wechat: WechatSettings
  /** Signs access tokens; cookie and SMS-code keys are derived from it. */
  jwtSecret: string
  /** An SMS provider instead of the configured one (tests), or null for the development outbox; absent: config.sms decides. */
  sms?: SmsProvider | null
  /** Injectable clock for tests of expiry and throttling. */
  now?: () => Date
  /** Start background jobs (payment reconciliation); servers do, tests drive them directly. */
  runJobs?: boolean
  /** The built-in WeChat simulator, mounted at /wx-sim only in simulator mode. */
  simulator?: FastifyPluginAsync
  /** false silences logs (tests); default follows config.logLevel. */
  logger?: boolean
  /** Where log lines go (tests read them to prove no personal data is logged); default stdout. */
  logStream?: NodeJS.WritableStream
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/

/** Builds the whole application from its dependencies; server.ts listens, tests inject. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Repositories seal and index ID numbers and phones with these (production always passes its own).
  usePersonalDataKeys(deps.config.personalDataKeys ?? SAMPLE_PERSONAL_DATA_KEYS)
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : { ...loggerOptions(deps.config.logLevel), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Keep a caller's request id (from a proxy) when it is sane, else make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // A callback hook (no promise per request, as in plugins/metrics.ts).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    done(null, payload)
  })

  const derive = (purpose: string) => deriveKey(deps.jwtSecret, purpose)

  const now = deps.now ?? (() => new Date())
  // Course videos leave the server only as signed links that expire (integrations/media).
  const media = deps.config.media ?? DEFAULT_MEDIA_CONFIG
  const mediaLinkKey = derive('media-link')
  const videoLinks = { signer: createMediaUrlSigner(media, mediaLinkKey), ttlSeconds: media.ttlSeconds }
  await app.register(errorHandler)
  await app.register(securityHeaders, { publicBaseUrl: deps.config.publicBaseUrl })
  await app.register(metrics, {
    poolStats: deps.database.poolStats,
    notificationRoutes: { [NOTIFY_PATH]: 'transaction', [REFUND_NOTIFY_PATH]: 'refund' },
  })
  await app.register(openapi)
  await app.register(authPlugin, {
    jwtSecret: deps.jwtSecret,
    cookieSecret: derive('cookie'),
    checkSession: (claims, at) => checkSession(deps.database.db, claims, at),
    now,
  })
  // Staff sessions of their own (staff_sessions): a learner token can never pass a staff check (OPS-5).
  await app.register(staffGuard, { db: deps.database.db, now })
  const ctx: AppContext = {
    db: deps.database.db,
    database: deps.database,
    now,
    log: app.log,
    publicBaseUrl: deps.config.publicBaseUrl,
    deriveKey: derive,
    runJobs: deps.runJobs ?? false,
  }
  // Sample defaults for what a caller (tests, benches) leaves out; loadConfig always gives them all.
  await registerModules(app, ctx, {
    version: APP_VERSION,
    wechatMode: deps.wechatMode,
    wechat: deps.wechat,
    sms: deps.config.sms ?? null,
    ...(deps.sms === undefined ? {} : { smsProvider: deps.sms }),
    learning: {
      antiIdle: deps.config.antiIdle,
      rawRetentionDays: deps.config.progressRawRetentionDays ?? DEFAULT_RAW_RETENTION_DAYS,
      batchWaitMs: deps.config.progressBatchWaitMs ?? DEFAULT_BATCH_WAIT_MS,
    },
    videoLinks,
    certificates: deps.config.certificate ?? SAMPLE_CERTIFICATE_SETTINGS,
    groupOrders: {
      transferAccount: deps.config.transferAccount === undefined ? SAMPLE_TRANSFER_ACCOUNT : deps.config.transferAccount,
      dailyIdQuota: deps.config.groupCheckDailyIds ?? DEFAULT_GROUP_CHECK_DAILY_IDS,
    },
    invoices: deps.config.invoice ?? DEVELOPMENT_INVOICE_CONFIG,
    ...(deps.config.notices ? { notices: deps.config.notices } : {}),
    siteFilesDir: deps.config.siteFilesDir ?? null,
    seedDir: deps.config.seedDir,
  })
  if (deps.simulator) await app.register(deps.simulator, { prefix: '/wx-sim' })
  await app.register(staticFiles, {
    h5DistDir: deps.config.h5DistDir,
    mediaDir: path.join(deps.config.seedDir, 'media'),
    mediaLinkKey,
    now,
    siteFilesDir: deps.config.siteFilesDir ?? null,
  })
  return app
}
