import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { type AppDeps, buildApp, type Database, generateDevSecrets, simulatorClientSettings } from '@app/server/commands'
import { REPO_ROOT } from './processes.ts'

/**
 * The real app in the bench's own process (driven through app.inject, so the times are server time
 * without a network), on the demo seed, with WeChat in simulator mode but no simulator mounted: the
 * benches sign in by SMS code from the development outbox and never pay, so WeChat is never called.
 */
/** `jwtSecret`: given when the bench signs learners' access tokens itself (learners.ts accessToken). */
export async function buildInProcessApp(database: Database, config: Partial<AppDeps['config']> = {}, jwtSecret = randomBytes(32).toString('base64url')) {
  const unreachable = 'http://127.0.0.1:9'
  return buildApp({
    config: {
      logLevel: 'warn',
      h5DistDir: path.join(REPO_ROOT, 'h5/dist'),
      seedDir: path.join(REPO_ROOT, 'server/seed/demo'),
      trustProxy: false,
      publicBaseUrl: 'http://localhost:3000',
      antiIdle: { minSeconds: 3600, maxSeconds: 3600 },
      ...config,
    },
    database,
    wechatMode: 'simulator',
    wechat: simulatorClientSettings(generateDevSecrets(), { oauthBase: `${unreachable}/open`, apiBase: `${unreachable}/api`, payBase: `${unreachable}/mch` }),
    jwtSecret,
    sms: null,
    logger: false,
  })
}
