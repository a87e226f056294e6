import { createCipheriv, createHash, randomBytes, verify } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { continuingEducationMenu, createMenu } from '../../integrations/wechat/menu.ts'
import type { WechatSettings } from '../../integrations/wechat/settings.ts'
import { generateRsaKeys, sendJson, signAsWechatpay, startStandIn, type ReceivedRequest, type StandIn } from '../../../test/wechat-stand-in-helpers.ts'
import type { TencentSmsConfig } from '../auth/auth.config.ts'
import { runGoLiveCheck } from './golive.service.ts'
import { signInNewStaff } from '../../../test/staff-helpers.ts'
import { bearer, registerLearner } from '../../../test/auth-helpers.ts'
import { staffAuditLog } from '../../db/schema.ts'
import { formatGoLiveReport } from './golive.report.ts'
import type { CheckId, GoLiveInput, GoLiveReport } from './golive.types.ts'

const verdicts = (report: GoLiveReport) => Object.fromEntries(report.items.map((entry) => [entry.id, entry.verdict])) as Record<CheckId, string>
const find = (report: GoLiveReport, id: CheckId) => report.items.find((entry) => entry.id === id)!
const VERIFY_NAME = 'MP_verify_Q1w2E3r4T5y6U7i8.txt'

describe('against the built-in simulator', () => {
  let t: TestApp
  let site: string
  beforeAll(async () => {
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'golive-site-'))
    fs.writeFileSync(path.join(site, VERIFY_NAME), 'Q1w2E3r4T5y6U7i8')
    t = await buildTestApp({
      seed: false,
      config: { publicBaseUrl: 'http://127.0.0.1:0', siteFilesDir: site },
    })
  })
  afterAll(async () => {
    await t.close()
    fs.rmSync(site, { recursive: true, force: true })
  })

  const input = (): GoLiveInput => ({ mode: 'simulator', wechat: t.wechat, publicBaseUrl: t.baseUrl, siteFilesDir: site, sms: null })

  it('runs as a staff API for admin staff only, and audits every run', async () => {
    const learner = await registerLearner(t.app)
    const asLearner = await t.app.inject({ method: 'POST', url: '/api/staff/golive-check', headers: bearer(learner.accessToken) })
    expect(asLearner.statusCode).toBe(401)
    const operator = await signInNewStaff(t.app, t.database.db, 'operator')
    const asOperator = await t.app.inject({ method: 'POST', url: '/api/staff/golive-check', headers: bearer(operator.token) })
    expect(asOperator.statusCode).toBe(403)

    const admin = await signInNewStaff(t.app, t.database.db, 'admin')
    const res = await t.app.inject({ method: 'POST', url: '/api/staff/golive-check', headers: bearer(admin.token) })
    expect(res.statusCode).toBe(200)
    const report = res.json() as GoLiveReport
    expect(report.mode).toBe('simulator')
    expect(report.items.map((entry) => entry.id)).toEqual(expect.arrayContaining(['access_token', 'merchant_key', 'api_v3_key', 'verification_file']))
    expect(find(report, 'access_token').verdict).toBe('pass')
    const audit = (await t.database.db.select().from(staffAuditLog)).filter((row) => row.action === 'golive.check')
    expect(audit).toHaveLength(1)
    expect(audit[0]?.staffId).toBe(admin.staffId)
  })

  it('fails on a missing menu, then passes once create-menu has run', async () => {
    const before = await runGoLiveCheck(input())
    expect(find(before, 'menu').verdict).toBe('fail')
    expect(find(before, 'menu').fix?.en).toContain('create-menu')
    expect(before.ok).toBe(false)

    await createMenu(t.database.db, t.wechat, continuingEducationMenu(t.baseUrl))
    const report = await runGoLiveCheck(input())
    expect(verdicts(report)).toEqual({
      access_token: 'pass',
      jsapi_ticket: 'pass',
      verification_file: 'pass',
      menu: 'pass',
      merchant_key: 'pass',
      wechatpay_public_key: 'pass',
      api_v3_key: 'pass',
      notify_url: 'pass',
      sms: 'skip',
    })
    expect(report.ok).toBe(true)
    expect(find(report, 'menu').detail.zh).toContain('继续教育 → 公需科目')
    const text = formatGoLiveReport(report)
    expect(text).toContain('通过')
    expect(text).toContain('Passed')
    // Nothing secret ever reaches the report.
    for (const secret of [t.wechat.appSecret, t.wechat.apiV3Key]) expect(JSON.stringify(report)).not.toContain(secret)
  })
})

// ---------------------------------------------------------------------------------------------
// Independent stand-ins: a small HTTP server of our own playing WeChat, WeChat Pay, Tencent SMS
// and the public site, written with node:crypto only (not the simulator, not our client code).
// ---------------------------------------------------------------------------------------------

interface World {
  appId: string
  appSecret: string
  whitelisted: boolean
  mchId: string
  mchSerial: string
  merchantPublicKeyPem: string
  apiV3Key: string
  /** Who signs Pay answers (public key id or platform certificate serial) and with what. */
  signer: { serial: string; privateKeyPem: string }
  /** Listed, encrypted with apiV3Key, by GET /v3/certificates (platform-certificate merchants). */
  platformCerts: string[]
  menuUrl: string | null
  smsSecretId: string
  smsTemplates: Record<string, number>
  /** What the public site answers for the verification file (null: 404). */
  siteVerification: string | null
}

const merchant = generateRsaKeys()
const wechatpay = generateRsaKeys()
const otherKey = generateRsaKeys()
const API_V3_KEY = randomBytes(16).toString('hex')
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000000001'
const MCH_SERIAL = '3775B6A45ACD588826D15E583A95F5DD6A8C3D2B'

function goodWorld(): World {
  return {
    appId: 'wx1234567890abcdef',
    appSecret: 'right-secret-0123456789abcdef012',
    whitelisted: true,
    mchId: '1900000109',
    mchSerial: MCH_SERIAL,
    merchantPublicKeyPem: merchant.publicKeyPem,
    apiV3Key: API_V3_KEY,
    signer: { serial: PUB_KEY_ID, privateKeyPem: wechatpay.privateKeyPem },
    platformCerts: [],
    menuUrl: null,
    smsSecretId: 'AKIDgoodsecretid',
    smsTemplates: { '100001': 0, '100002': 0, '100003': 0 },
    siteVerification: 'Q1w2E3r4T5y6U7i8',
  }
}

function encrypt(key: string, plain: string) {
  const nonce = randomBytes(6).toString('hex')
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce))
  cipher.setAAD(Buffer.from('certificate'))
  const data = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
  return { algorithm: 'AEAD_AES_256_GCM', nonce, associated_data: 'certificate', ciphertext: data.toString('base64') }
}

function signedPay(world: World, res: ServerResponse, status: number, body: object) {
  const text = JSON.stringify(body)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Request-ID': 'standin-1',
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': world.signer.serial,
    'Wechatpay-Signature': signAsWechatpay(world.signer.privateKeyPem, timestamp, nonce, text),
  })
  res.end(text)
}

/** WeChat Pay's side of the Authorization check, written out from the published rules. */
function merchantSignatureOk(world: World, req: ReceivedRequest): boolean {
  const header = String(req.headers.authorization ?? '')
  if (!header.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return false
  const pairs = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
  if (pairs.mchid !== world.mchId || pairs.serial_no !== world.mchSerial) return false
  const message = `${req.method}\n${req.url}\n${pairs.timestamp}\n${pairs.nonce_str}\n${req.body}\n`
  return verify('RSA-SHA256', Buffer.from(message), world.merchantPublicKeyPem, Buffer.from(pairs.signature ?? '', 'base64'))
}

function handle(world: World, req: ReceivedRequest, res: ServerResponse) {
  const url = new URL(req.url, 'http://x')
  const rid = `, rid: ${randomBytes(4).toString('hex')}`
  if (url.pathname === '/api/cgi-bin/stable_token') {
    const body = JSON.parse(req.body) as Record<string, unknown>
    if (body.appid !== world.appId) return sendJson(res, 200, { errcode: 40013, errmsg: `invalid appid${rid}` })
    if (body.secret !== world.appSecret) return sendJson(res, 200, { errcode: 40125, errmsg: `invalid appsecret${rid}` })
    if (!world.whitelisted) return sendJson(res, 200, { errcode: 40164, errmsg: `invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist${rid}` })
    return sendJson(res, 200, { access_token: 'standin-token', expires_in: 7200 })
  }
  if (url.pathname === '/api/cgi-bin/ticket/getticket') {
    if (url.searchParams.get('access_token') !== 'standin-token') return sendJson(res, 200, { errcode: 40001, errmsg: `invalid credential${rid}` })
    return sendJson(res, 200, { errcode: 0, errmsg: 'ok', ticket: 'standin-ticket', expires_in: 7200 })
  }
  if (url.pathname === '/api/cgi-bin/get_current_selfmenu_info') {
    if (world.menuUrl === null) return sendJson(res, 200, { is_menu_open: 0 })
    return sendJson(res, 200, { is_menu_open: 1, selfmenu_info: { button: [{ name: '继续教育', sub_button: { list: [{ type: 'view', name: '公需科目', url: world.menuUrl }] } }] } })
  }
  if (url.pathname.startsWith('/mch/')) {
    if (!merchantSignatureOk(world, req)) return sendJson(res, 401, { code: 'SIGN_ERROR', message: '签名错误' })
    if (url.pathname === '/mch/v3/certificates') {
      return signedPay(world, res, 200, {
        data: world.platformCerts.map((serial) => ({
          serial_no: serial,
          effective_time: '2025-01-01T00:00:00+08:00',
          expire_time: '2030-01-01T00:00:00+08:00',
          encrypt_certificate: encrypt(world.apiV3Key, `-----BEGIN CERTIFICATE-----\n${serial}\n-----END CERTIFICATE-----\n`),
        })),
      })
    }
    if (url.pathname.startsWith('/mch/v3/pay/transactions/out-trade-no/')) return sendJson(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
    return sendJson(res, 404, { code: 'NOT_FOUND', message: 'no' })
  }
  if (url.pathname === '/' && req.method === 'POST') {
    const credential = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1]
    const requestId = randomBytes(8).toString('hex')
    if (credential !== world.smsSecretId) return sendJson(res, 200, { Response: { Error: { Code: 'AuthFailure.SecretIdNotFound', Message: 'x' }, RequestId: requestId } })
    const ids = (JSON.parse(req.body) as { TemplateIdSet: number[] }).TemplateIdSet
    const set = ids.filter((id) => String(id) in world.smsTemplates).map((id) => ({ TemplateId: id, StatusCode: world.smsTemplates[String(id)] }))
    return sendJson(res, 200, { Response: { DescribeTemplateStatusSet: set, RequestId: requestId } })
  }
  if (url.pathname === `/${VERIFY_NAME}` && world.siteVerification !== null) {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    return res.end(world.siteVerification)
  }
  if (url.pathname === '/api/payments/wechat/notify') return sendJson(res, 401, { code: 'FAIL', message: '失败' })
  return sendJson(res, 404, { code: 'ROUTE_NOT_FOUND' })
}

describe('against independent stand-ins (live mode), each misconfiguration', () => {
  let world: World
  let standIn: StandIn
  let site: string
  let keyDir: string
  beforeAll(async () => {
    standIn = await startStandIn((req, res) => {
      handle(world, req, res)
    })
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'golive-site-'))
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'golive-keys-'))
    fs.writeFileSync(path.join(site, VERIFY_NAME), 'Q1w2E3r4T5y6U7i8')
  })
  afterAll(async () => {
    await standIn.close()
    fs.rmSync(site, { recursive: true, force: true })
    fs.rmSync(keyDir, { recursive: true, force: true })
  })

  /** Our configuration: right by default; each test breaks one thing. */
  function configured(change: (settings: WechatSettings, sms: TencentSmsConfig) => void = () => {}): GoLiveInput {
    world.menuUrl ??= continuingEducationMenu(standIn.baseUrl).button[0]!.sub_button![0]!.url!
    const settings: WechatSettings = {
      appId: world.appId,
      appSecret: world.appSecret,
      oauthBase: `${standIn.baseUrl}/open`,
      apiBase: `${standIn.baseUrl}/api`,
      payBase: `${standIn.baseUrl}/mch`,
      mchId: world.mchId,
      mchSerial: world.mchSerial,
      mchPrivateKeyPem: merchant.privateKeyPem,
      apiV3Key: world.apiV3Key,
      wechatpayPublicKeys: { [PUB_KEY_ID]: wechatpay.publicKeyPem },
      wechatpayPublicKeyId: PUB_KEY_ID,
    }
    const sms: TencentSmsConfig = {
      secretId: world.smsSecretId,
      secretKey: 'sms-secret-key',
      sdkAppId: '1400000000',
      signName: '继续教育',
      templateIds: { register: '100001', reset_password: '100002', bind_phone: '100001' },
      initialPasswordTemplateId: '100003',
      region: 'ap-guangzhou',
      endpoint: standIn.baseUrl,
    }
    change(settings, sms)
    return { mode: 'live', wechat: settings, publicBaseUrl: standIn.baseUrl, siteFilesDir: site, sms }
  }

  it('a correct configuration passes every WeChat, Pay and SMS item (the site is plain http here, so the notify URL fails)', async () => {
    world = goodWorld()
    const report = await runGoLiveCheck(configured())
    expect(verdicts(report)).toMatchObject({
      access_token: 'pass',
      jsapi_ticket: 'pass',
      verification_file: 'fail',
      menu: 'pass',
      merchant_key: 'pass',
      wechatpay_public_key: 'pass',
      api_v3_key: 'warn',
      notify_url: 'fail',
      sms: 'pass',
    })
    // The only complaints: a port in PUBLIC_BASE_URL (WeChat wants 80/443) and http, not https.
    expect(find(report, 'verification_file').detail.en).toContain('ports 80/443')
    expect(find(report, 'notify_url').detail.en).toContain('not https')
    expect(find(report, 'api_v3_key').detail.en).toContain('¥0.01')
  })

  it('wrong AppSecret: errcode 40125 explained, dependent items skipped', async () => {
    world = goodWorld()
    const report = await runGoLiveCheck(configured((s) => (s.appSecret = 'wrong-secret-0123456789abcdef0123')))
    expect(report.ok).toBe(false)
    const token = find(report, 'access_token')
    expect(token.verdict).toBe('fail')
    expect(token.detail.en).toContain('40125')
    expect(token.fix?.zh).toContain('开发者密码(AppSecret)')
    expect(token.fix?.en).toContain('WECHAT_APP_SECRET')
    expect(find(report, 'jsapi_ticket').verdict).toBe('skip')
    expect(find(report, 'menu').verdict).toBe('skip')
    expect(find(report, 'merchant_key').verdict).toBe('pass')
  })

  it('wrong AppID: errcode 40013 explained', async () => {
    world = goodWorld()
    const token = find(await runGoLiveCheck(configured((s) => (s.appId = 'wx0000000000000000'))), 'access_token')
    expect(token.detail.en).toContain('40013')
    expect(token.fix?.en).toContain('WECHAT_APP_ID')
  })

  it('server IP not whitelisted: errcode 40164 with the address WeChat saw and where to add it', async () => {
    world = { ...goodWorld(), whitelisted: false }
    const report = await runGoLiveCheck(configured())
    const token = find(report, 'access_token')
    expect(token.verdict).toBe('fail')
    expect(token.detail.en).toContain('40164')
    expect(token.fix?.zh).toContain('203.0.113.7')
    expect(token.fix?.zh).toContain('IP白名单')
    expect(report.ok).toBe(false)
  })

  it('wrong merchant certificate serial: SIGN_ERROR, not ORDER_NOT_EXIST', async () => {
    world = goodWorld()
    const report = await runGoLiveCheck(configured((s) => (s.mchSerial = '1111111111111111111111111111111111111111')))
    const merchantKey = find(report, 'merchant_key')
    expect(merchantKey.verdict).toBe('fail')
    expect(merchantKey.detail.en).toContain('SIGN_ERROR')
    expect(merchantKey.fix?.en).toContain('WECHATPAY_MCH_SERIAL')
    expect(find(report, 'wechatpay_public_key').verdict).toBe('skip')
  })

  it('wrong merchant private key: SIGN_ERROR', async () => {
    world = goodWorld()
    const report = await runGoLiveCheck(configured((s) => (s.mchPrivateKeyPem = otherKey.privateKeyPem)))
    expect(find(report, 'merchant_key').verdict).toBe('fail')
    expect(report.ok).toBe(false)
  })

  it('wrong WeChat Pay public key file: the signature of WeChat’s answer does not verify', async () => {
    world = goodWorld()
    const report = await runGoLiveCheck(configured((s) => (s.wechatpayPublicKeys = { [PUB_KEY_ID]: otherKey.publicKeyPem })))
    const publicKey = find(report, 'wechatpay_public_key')
    expect(publicKey.verdict).toBe('fail')
    expect(publicKey.detail.en).toContain('does not verify')
    expect(publicKey.fix?.en).toContain('WECHATPAY_PUBLIC_KEY_FILE')
    expect(find(report, 'merchant_key').verdict).toBe('pass')
  })

  it('wrong WeChat Pay public key id: names the id WeChat used', async () => {
    world = goodWorld()
    const wrongId = 'PUB_KEY_ID_0000000000000000000000000000000999'
    const report = await runGoLiveCheck(configured((s) => {
      s.wechatpayPublicKeys = { [wrongId]: wechatpay.publicKeyPem }
      s.wechatpayPublicKeyId = wrongId
    }))
    const publicKey = find(report, 'wechatpay_public_key')
    expect(publicKey.verdict).toBe('fail')
    expect(publicKey.detail.en).toContain(PUB_KEY_ID)
  })

  it('platform-certificate merchant without the certificate configured: names the serial to set', async () => {
    const platform = generateRsaKeys()
    world = { ...goodWorld(), signer: { serial: 'AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12', privateKeyPem: platform.privateKeyPem }, platformCerts: ['AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12'] }
    const publicKey = find(await runGoLiveCheck(configured()), 'wechatpay_public_key')
    expect(publicKey.verdict).toBe('fail')
    expect(publicKey.fix?.en).toContain('WECHATPAY_PLATFORM_CERT_SERIAL=AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12')
  })

  it('wrong APIv3 key: WeChat’s encrypted certificate does not decrypt (platform-certificate merchant)', async () => {
    const platform = generateRsaKeys()
    const serial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
    world = { ...goodWorld(), signer: { serial, privateKeyPem: platform.privateKeyPem }, platformCerts: [serial] }
    const withCert = (s: WechatSettings) => (s.wechatpayPublicKeys = { ...s.wechatpayPublicKeys, [serial]: platform.publicKeyPem })
    const right = await runGoLiveCheck(configured(withCert))
    expect(find(right, 'wechatpay_public_key').verdict).toBe('pass')
    expect(find(right, 'api_v3_key').verdict).toBe('pass')

    const wrong = await runGoLiveCheck(configured((s) => {
      withCert(s)
      s.apiV3Key = createHash('md5').update('another key').digest('hex')
    }))
    const v3 = find(wrong, 'api_v3_key')
    expect(v3.verdict).toBe('fail')
    expect(v3.detail.en).toContain(serial)
    expect(v3.fix?.en).toContain('WECHATPAY_API_V3_KEY')
    expect(wrong.ok).toBe(false)
  })

  it('missing verification file: fails with where to download it', async () => {
    world = goodWorld()
    const noFolder = await runGoLiveCheck({ ...configured(), siteFilesDir: null })
    const item = find(noFolder, 'verification_file')
    expect(item.verdict).toBe('fail')
    expect(item.detail.en).toContain('SITE_FILES_DIR')
    expect(item.fix?.zh).toContain('网页授权域名')

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'golive-empty-'))
    expect(find(await runGoLiveCheck({ ...configured(), siteFilesDir: empty }), 'verification_file').verdict).toBe('fail')
    fs.rmSync(empty, { recursive: true })
  })

  it('verification file not what the public address serves (proxy answers 404 or other bytes)', async () => {
    world = { ...goodWorld(), siteVerification: null }
    const notServed = find(await runGoLiveCheck(configured()), 'verification_file')
    expect(notServed.detail.en).toContain('HTTP 404')
    world = { ...goodWorld(), siteVerification: '<!doctype html>' }
    const rewritten = find(await runGoLiveCheck(configured()), 'verification_file')
    expect(rewritten.detail.en).toContain('different bytes')
  })

  it('menu missing or pointing elsewhere', async () => {
    world = { ...goodWorld(), menuUrl: 'https://old.example.com/index' }
    const menu = find(await runGoLiveCheck(configured()), 'menu')
    expect(menu.verdict).toBe('fail')
    expect(menu.detail.zh).toContain('old.example.com')
  })

  it('SMS: wrong SecretId refused; a template under review reported', async () => {
    world = goodWorld()
    const refused = find(await runGoLiveCheck(configured((_s, sms) => (sms.secretId = 'AKIDwrong'))), 'sms')
    expect(refused.verdict).toBe('fail')
    expect(refused.detail.en).toContain('AuthFailure.SecretIdNotFound')
    world = { ...goodWorld(), smsTemplates: { '100001': 0, '100002': 1, '100003': 0 } }
    const reviewing = find(await runGoLiveCheck(configured()), 'sms')
    expect(reviewing.verdict).toBe('fail')
    expect(reviewing.detail.en).toContain('reset_password=100002 (reviewing)')
  })

  it('WeChat unreachable: every WeChat item fails with what to check', async () => {
    world = goodWorld()
    const report = await runGoLiveCheck(configured((s) => {
      s.apiBase = 'http://127.0.0.1:9/api'
      s.payBase = 'http://127.0.0.1:9/mch'
    }))
    expect(find(report, 'access_token').verdict).toBe('fail')
    expect(find(report, 'access_token').fix?.en).toContain('api.weixin.qq.com')
    expect(find(report, 'merchant_key').verdict).toBe('fail')
  })
})
