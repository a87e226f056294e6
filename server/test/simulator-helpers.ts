// Simulator test support: generated keys, a simulator mounted like the server mounts it, a movable
// clock. Holds no client-side signing code; each test file writes its own by hand.
import Fastify, { type FastifyInstance } from 'fastify'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createWechatSimulator, type SimulatorOptions, type WechatSimulator } from '../src/simulator/index.ts'

export const APP_ID = 'wx1234567890abcdef'
export const APP_SECRET = 'test-secret-0123456789abcdef0123'
export const MCH_ID = '1900000001'
export const MERCHANT_SERIAL = '3775B6A45ACD588826D15E583A95F5DD4C7F7D3E'
export const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345'
export const PUB_KEY_ID = 'PUB_KEY_ID_0112345678902025010100000000000001'

export interface TestKeys {
  merchantPrivate: KeyObject
  merchantPublicPem: string
  wechatpayPrivatePem: string
  wechatpayPublic: KeyObject
}

let cached: TestKeys | undefined
export function testKeys(): TestKeys {
  if (!cached) {
    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const wechatpay = generateKeyPairSync('rsa', { modulusLength: 2048 })
    cached = {
      merchantPrivate: merchant.privateKey,
      merchantPublicPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      wechatpayPrivatePem: wechatpay.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      wechatpayPublic: wechatpay.publicKey,
    }
  }
  return cached
}

export class Clock {
  constructor(public t = Date.now()) {}
  now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
}

export interface Harness { app: FastifyInstance; sim: WechatSimulator; clock: Clock; keys: TestKeys }

export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const keys = testKeys()
  const clock = new Clock()
  const sim = createWechatSimulator({
    appId: APP_ID,
    appSecret: APP_SECRET,
    mchId: MCH_ID,
    merchantCertSerial: MERCHANT_SERIAL,
    merchantPublicKeyPem: keys.merchantPublicPem,
    apiV3Key: API_V3_KEY,
    wechatpayPrivateKeyPem: keys.wechatpayPrivatePem,
    wechatpayPublicKeyId: PUB_KEY_ID,
    oauthCallbackHosts: ['h5.example.test', 'localhost:3000'],
    allowHttpNotifyUrl: true,
    retryScale: 0.001,
    now: clock.now,
    ...overrides,
  })
  const app = Fastify()
  await app.register(sim.plugin, { prefix: '/wx-sim' })
  await app.ready()
  return { app, sim, clock, keys }
}

/** Signs a user in through the authorize page and returns the code from the 302. */
export async function authorizeCode(app: FastifyInstance, opts: { scope?: string; nickname?: string; user?: string; snapshot?: boolean } = {}): Promise<string> {
  const form = new URLSearchParams({
    appid: APP_ID,
    redirect_uri: 'https://h5.example.test/auth/callback',
    response_type: 'code',
    scope: opts.scope ?? 'snsapi_userinfo',
    state: 'abc123',
    action: 'allow',
    user: opts.user ?? 'new',
    // As the page sends it: a chosen existing user comes with an empty nickname field.
    nickname: opts.user ? (opts.nickname ?? '') : (opts.nickname ?? '测试张三'),
    ...(opts.snapshot ? { snapshot: '1' } : {}),
  })
  const res = await app.inject({
    method: 'POST',
    url: '/wx-sim/open/connect/oauth2/authorize/decide',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  })
  const location = new URL(String(res.headers.location))
  const code = location.searchParams.get('code')
  if (res.statusCode !== 302 || !code) throw new Error(`authorize failed: ${res.statusCode} ${res.body}`)
  return code
}

/** A registered openid under APP_ID, obtained the way our server would (authorize + exchange). */
export async function issueOpenid(app: FastifyInstance, nickname = '测试李四'): Promise<string> {
  const code = await authorizeCode(app, { nickname })
  const res = await app.inject({ method: 'GET', url: `/wx-sim/api/sns/oauth2/access_token?appid=${APP_ID}&secret=${APP_SECRET}&code=${code}&grant_type=authorization_code` })
  return (res.json() as { openid: string }).openid
}
