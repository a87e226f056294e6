import net from 'node:net'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from '../src/app/build-app.ts'
import type { Database } from '../src/db/client.ts'
import { generateDevSecrets, type DevSecrets } from '../src/app/dev-secrets.ts'
import type { WechatSettings } from '../src/integrations/wechat/settings.ts'
import { simulatorClientSettings, simulatorKeys } from '../src/app/wechat-runtime.ts'
import { importCatalogue } from '../src/modules/catalogue/catalogue-import.service.ts'
import { createWechatSimulator, type SimulatorOptions } from '../src/simulator/index.ts'
import { createTestDatabase } from './db.ts'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')
export const DEMO_SEED_DIR = path.join(REPO_ROOT, 'server/seed/demo')

// RSA key generation is slow-ish; one set of development keys serves every test app of a file.
let sharedSecrets: DevSecrets | undefined
export function testSecrets(): DevSecrets {
  sharedSecrets ??= generateDevSecrets()
  return sharedSecrets
}

export interface TestApp {
  app: FastifyInstance
  database: Database
  secrets: DevSecrets
  wechat: WechatSettings
  simulator: ReturnType<typeof createWechatSimulator>
  /** http://127.0.0.1:<port> — the app listens so our WeChat client can reach the simulator. */
  baseUrl: string
  clock: { now: Date; advance(ms: number): void }
  close(): Promise<void>
}

export interface TestAppOptions {
  seed?: boolean
  /** 防挂机 interval; tests default to once an hour so only anti-idle tests meet questions. */
  antiIdle?: { minSeconds: number; maxSeconds: number }
  /** Trust X-Forwarded-For (tests of per-address limits over real HTTP from one machine). */
  trustProxy?: boolean
  /** Share another test app's database (e.g. a second server instance). */
  database?: Database
  /** Settings that differ from the test defaults (public base URL, invoice provider, site files …). */
  config?: Partial<AppDeps['config']>
  deps?: Partial<AppDeps>
  simulator?: Partial<SimulatorOptions>
}

/**
 * The real app on a fresh test database (seeded with the demo manifest unless told otherwise),
 * with the WeChat simulator mounted at /wx-sim exactly as in development, listening on a free
 * loopback port, and a clock the test can move.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const ownsDatabase = !options.database
  const database = options.database ?? (await createTestDatabase())
  if (ownsDatabase && options.seed !== false) await importCatalogue(database.db, path.join(DEMO_SEED_DIR, 'manifest.json'))
  const secrets = testSecrets()
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms)
    },
  }
  const callbackHosts: string[] = []
  // The port is chosen before the app is built, because OAuth callback and notify URLs embed it.
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  callbackHosts.push(`127.0.0.1:${port}`)
  const simulator = createWechatSimulator({
    ...simulatorKeys(secrets),
    oauthCallbackHosts: callbackHosts,
    allowHttpNotifyUrl: true,
    retryScale: 0.001,
    // The simulator and the app share the test clock, so signatures stay fresh when a test moves time.
    now: () => clock.now.getTime(),
    ...options.simulator,
  })
  const wechat = simulatorClientSettings(secrets, {
    oauthBase: `${baseUrl}/wx-sim/open`,
    apiBase: `${baseUrl}/wx-sim/api`,
    payBase: `${baseUrl}/wx-sim/mch`,
  })
  const app = await buildApp({
    config: {
      // Errors only: a 500 in a test (a flake on a loaded CI machine, say) leaves its cause in the output.
      logLevel: options.deps?.logStream ? 'info' : 'error',
      h5DistDir: path.join(REPO_ROOT, 'h5/dist'),
      seedDir: DEMO_SEED_DIR,
      trustProxy: options.trustProxy ?? false,
      publicBaseUrl: baseUrl,
      antiIdle: options.antiIdle ?? { minSeconds: 3600, maxSeconds: 3600 },
      ...options.config,
    },
    database,
    wechatMode: 'simulator',
    wechat,
    simulator: simulator.plugin,
    jwtSecret: 'test-jwt-secret-0123456789abcdefghijklmnop',
    sms: null,
    now: () => clock.now,
    ...options.deps,
  })
  await app.listen({ host: '127.0.0.1', port })
  testClocks.set(app, clock)
  return {
    app,
    database,
    secrets,
    wechat,
    simulator,
    baseUrl,
    clock,
    async close() {
      await simulator.close()
      // A request a test abandoned (client timeout) may leave its connection open; tests end them.
      app.server.closeAllConnections()
      await app.close()
      if (ownsDatabase) await database.close()
    },
  }
}

/** The movable clock of each test app, for helpers that must agree with it (staff TOTP codes). */
export const testClocks = new WeakMap<object, { now: Date }>()

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
