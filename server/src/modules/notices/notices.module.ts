import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../core/app-context.ts'
import { watchNoticeQueue } from '../../core/metrics.registry.ts'
import { runWithLease } from '../../db/job-lease.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { defaultNoticesConfig, type NoticesConfig } from './notices.config.ts'
import { countQueued } from './notices.repository.ts'
import { runReminders } from './reminders.job.ts'
import { sendPass, type SendDeps } from './send.job.ts'
import conversationRoutes from './conversations.routes.ts'
import type { ConversationHooks } from './notices.service.ts'
import { serverUrlRoutes } from './server-url.routes.ts'

export interface NoticesModuleOptions extends ConversationHooks {
  ctx: AppContext
  wechat: WechatSettings
  config?: NoticesConfig
}

/**
 * WeChat notices (模板消息 / 订阅通知) from the outbox, deadline reminders, and 在线客服 through the
 * Official Account. Other features queue notices through notices.public.ts; here the sender and the
 * reminder run start on timers (one instance at a time per round, under the job lease), our server
 * URL receives the Official Account's pushes, and staff read and answer conversations.
 */
export default async function noticesModule(app: FastifyInstance, options: NoticesModuleOptions): Promise<void> {
  const { ctx, wechat, config = defaultNoticesConfig() } = options
  const deps: SendDeps = { db: ctx.db, wechat, config, now: ctx.now, publicBaseUrl: ctx.publicBaseUrl }
  await app.register(serverUrlRoutes({ db: ctx.db, config, appId: () => wechat.appId, now: ctx.now }))
  await app.register(conversationRoutes, {
    prefix: '/staff',
    deps: { db: ctx.db, wechat, now: ctx.now, config, publicBaseUrl: ctx.publicBaseUrl, describeLearner: options.describeLearner, audit: options.audit },
  })
  const unwatch = watchNoticeQueue(() => countQueued(ctx.db))
  app.addHook('onClose', async () => unwatch())
  if (!ctx.runJobs) return
  const every = (name: string, intervalMs: number, maxRunMs: number, work: () => Promise<unknown>) => {
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      runWithLease(ctx.db, { name, everyMs: intervalMs * 0.9, maxRunMs }, ctx.now(), work)
        .catch((error: unknown) => app.log.error({ err: { type: (error as Error).name } }, `${name} failed`))
        .finally(() => {
          running = false
        })
    }, intervalMs)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  }
  // The lease keeps rounds apart; the claim (FOR UPDATE SKIP LOCKED) keeps rows apart even if two rounds overlap.
  every('notices-send', 2_000, 5 * 60_000, async () => {
    for (let pass = 0; pass < 50; pass++) {
      const r = await sendPass(deps)
      if (r.paused || r.sent + r.dropped + r.retried === 0) break
    }
  })
  every('notices-reminders', 15 * 60_000, 60 * 60_000, () => runReminders({ db: ctx.db, config }, ctx.now()))
}
