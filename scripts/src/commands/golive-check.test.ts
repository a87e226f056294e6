import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateRsaKeys, sendJson, type StandIn, startStandIn } from '@app/server/testing'

// The command an operator runs: with live WeChat variables pointing at a stand-in that refuses
// the AppSecret, it prints the bilingual report with the errcode and exits 1.

let standIn: StandIn
let dir: string

beforeAll(async () => {
  standIn = await startStandIn((req, res) => {
    if (req.url.endsWith('/cgi-bin/stable_token')) return sendJson(res, 200, { errcode: 40125, errmsg: 'invalid appsecret, rid: 1' })
    if (req.url.includes('/v3/pay/transactions/out-trade-no/')) return sendJson(res, 404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' })
    return sendJson(res, 404, { code: 'NOT_FOUND' })
  })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golive-cli-'))
  const merchant = generateRsaKeys()
  const wechatpay = generateRsaKeys()
  fs.writeFileSync(path.join(dir, 'apiclient_key.pem'), merchant.privateKeyPem)
  fs.writeFileSync(path.join(dir, 'pub_key.pem'), wechatpay.publicKeyPem)
})
afterAll(async () => {
  await standIn.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('golive-check command', () => {
  it('prints the failing item in Chinese and English and exits 1', { timeout: 90_000 }, async () => {
    // Asynchronously: the stand-in answers from this very process.
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/commands/golive-check.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        APP_ENV: 'development',
        DATA_DIR: path.join(dir, 'data'),
        PUBLIC_BASE_URL: standIn.baseUrl,
        WECHAT_APP_ID: 'wx1234567890abcdef',
        WECHAT_APP_SECRET: 'wrong-secret',
        WECHAT_API_BASE: `${standIn.baseUrl}/api`,
        WECHATPAY_API_BASE: `${standIn.baseUrl}/mch`,
        WECHATPAY_MCH_ID: '1900000109',
        WECHATPAY_MCH_SERIAL: '3775B6A45ACD588826D15E583A95F5DD6A8C3D2B',
        WECHATPAY_MCH_PRIVATE_KEY_FILE: path.join(dir, 'apiclient_key.pem'),
        WECHATPAY_API_V3_KEY: '0123456789abcdef0123456789abcdef',
        WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000000001',
        WECHATPAY_PUBLIC_KEY_FILE: path.join(dir, 'pub_key.pem'),
      },
    }).then(
      ({ stdout }) => ({ status: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ status: error.code, stdout: error.stdout ?? '' }),
    )
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('✘ FAIL  获取 access_token / Access token obtainable')
    expect(result.stdout).toContain('errcode 40125')
    expect(result.stdout).toContain('WECHAT_APP_SECRET')
    expect(result.stdout).toContain('✔ PASS  商户 API 私钥与证书序列号')
    expect(result.stdout).not.toContain('wrong-secret')
  })
})
