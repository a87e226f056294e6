// The built-in WeChat simulator (docs/architecture.md "WeChat"; docs/wechat-protocol.md §1.10, §2.7, §3.13).
// It speaks WeChat's wire protocol with its own keys and its own crypto, so the product's WeChat
// client runs unchanged against it; only the configured base URLs and keys differ.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { apiError } from './api-reply.ts'
import { registerBodyParsers } from './body.ts'
import type { SimConfig, SimContext, SimLog } from './context.ts'
import { Credentials, type Limits } from './credentials.ts'
import { devRoutes } from './dev.routes.ts'
import { createFaults, type FaultControl } from './faults.ts'
import { MessageState } from './messages.ts'
import { messageDevRoutes, messageRoutes } from './messages.routes.ts'
import type { ServerUrl } from './messages-push.ts'
import { Notifier } from './notifier.ts'
import { oauthPageRoutes, snsRoutes } from './oauth.routes.ts'
import { payRoutes } from './pay.routes.ts'
import { completeRefund } from './refund.routes.ts'
import { SimState } from './state.ts'
import { tokenRoutes } from './token.routes.ts'
import { Timers } from './util.ts'

export type { FaultControl, FaultName, FaultSpec, FaultTarget, ActiveFault } from './faults.ts'
export type { DeliveryRecord } from './notifier.ts'
export type { ServerUrl } from './messages-push.ts'

export interface SimulatorOptions {
  /** the Official Account */
  appId: string
  appSecret: string
  /** merchant id (digits) */
  mchId: string
  /** uppercase hex serial of the merchant API certificate, expected in Authorization serial_no */
  merchantCertSerial: string
  /** verifies our Authorization headers and paySign */
  merchantPublicKeyPem: string
  /** 32 bytes; AES-256-GCM key for notification and certificate resources */
  apiV3Key: string
  /** the simulator's own signing key ("WeChat Pay public key" mode) */
  wechatpayPrivateKeyPem: string
  /** e.g. PUB_KEY_ID_0112345678902025010100000000000001 */
  wechatpayPublicKeyId: string
  /** optional legacy platform-certificate mode */
  platformCert?: { serial: string; privateKeyPem: string; certificatePem: string }
  /** registered 网页授权域名 hosts (host[:port]); read on every request, so pushing to this array later takes effect */
  oauthCallbackHosts: string[]
  /** real WeChat demands https notify_url; true in local development and tests */
  allowHttpNotifyUrl: boolean
  /** multiplies WeChat's notification retry delays and the refund completion delay (e.g. 0.001 in tests) */
  retryScale: number
  /** ms clock, injectable for expiry tests; timers still run on real time */
  now?: () => number
  /** JSON file keeping users, openids, orders, refunds and the menu across restarts (dev); in-memory when absent */
  stateFile?: string
  log?: SimLog
  /** The developer's server URL (服务器配置) the simulator pushes user messages and subscription events to; read per push. */
  serverUrl?: () => ServerUrl | null
  /** Daily quotas (defaults: cgi-bin/token 2000, getticket 10000, stable_token force_refresh 20). */
  limits?: Partial<Limits>
}

export interface WechatSimulator {
  plugin: FastifyPluginAsync
  faults: FaultControl
  /** 模板消息 / 订阅通知 / 客服消息 state: followers, subscriptions, quotas and what was delivered. */
  messages: MessageState
  close(): Promise<void>
}

const SILENT: SimLog = { info() {}, warn() {} }

function checkOptions(o: SimulatorOptions): void {
  const problems: string[] = []
  if (!/^\d+$/.test(o.mchId)) problems.push('mchId must be digits')
  if (!/^[0-9A-F]+$/.test(o.merchantCertSerial)) problems.push('merchantCertSerial must be uppercase hex')
  if (Buffer.byteLength(o.apiV3Key, 'utf8') !== 32) problems.push('apiV3Key must be 32 bytes')
  if (!(o.retryScale > 0)) problems.push('retryScale must be > 0')
  if (problems.length > 0) throw new Error(`WeChat simulator options: ${problems.join('; ')}`)
}

export function createWechatSimulator(options: SimulatorOptions): WechatSimulator {
  checkOptions(options)
  const now = options.now ?? Date.now
  const log = options.log ?? SILENT
  const faults = createFaults()
  const timers = new Timers()
  const config: SimConfig = {
    appId: options.appId,
    appSecret: options.appSecret,
    mchId: options.mchId,
    merchantCertSerial: options.merchantCertSerial,
    apiV3Key: options.apiV3Key,
    wechatpayPublicKeyId: options.wechatpayPublicKeyId,
    oauthCallbackHosts: options.oauthCallbackHosts,
    allowHttpNotifyUrl: options.allowHttpNotifyUrl,
    retryScale: options.retryScale,
  }
  const keys: SimContext['keys'] = {
    merchantPublic: createPublicKey(options.merchantPublicKeyPem),
    wechatpayPrivate: createPrivateKey(options.wechatpayPrivateKeyPem),
    ...(options.platformCert
      ? { platform: { serial: options.platformCert.serial, privateKey: createPrivateKey(options.platformCert.privateKeyPem), certificatePem: options.platformCert.certificatePem } }
      : {}),
  }
  const state = new SimState(options.stateFile, log)
  const ctx: SimContext = {
    config,
    keys,
    state,
    creds: new Credentials(now, { tokenPerDay: 2000, ticketPerDay: 10_000, stableForcePerDay: 20, ...options.limits }),
    faults,
    timers,
    now,
    log,
    prefix: '',
    notifier: new Notifier({
      apiV3Key: config.apiV3Key,
      signKey: keys.wechatpayPrivate,
      serial: config.wechatpayPublicKeyId,
      retryScale: config.retryScale,
      now,
      faults,
      timers,
      log,
    }),
  }
  const messages = new MessageState(now, (openid) => state.openids.has(openid))
  // Refunds still PROCESSING in a persisted dev state complete after a restart.
  for (const refund of state.refunds.values()) {
    if (refund.status === 'PROCESSING') timers.later(0, () => completeRefund(ctx, refund))
  }

  const plugin: FastifyPluginAsync = async (app: FastifyInstance) => {
    ctx.prefix = app.prefix
    registerBodyParsers(app)
    await app.register(oauthPageRoutes(ctx), { prefix: '/open' })
    await app.register(async (api) => {
      api.addHook('preHandler', async (_request, reply) => {
        if (faults.take('apiSystemBusy', 'response') !== undefined) return apiError(reply, -1, 'system error')
        return undefined
      })
      await api.register(snsRoutes(ctx))
      await api.register(tokenRoutes(ctx))
      await api.register(messageRoutes(ctx, messages))
    }, { prefix: '/api' })
    await app.register(payRoutes(ctx), { prefix: '/mch' })
    await app.register(devRoutes(ctx), { prefix: '/dev' })
    await app.register(messageDevRoutes(messages, { appId: options.appId, target: options.serverUrl ?? (() => null), now }), { prefix: '/dev/messages' })
  }

  return {
    plugin,
    faults,
    messages,
    async close() {
      timers.close()
      ctx.notifier.close()
      state.flush()
    },
  }
}
