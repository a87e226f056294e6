import { createVerify, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createWechatPayClient } from './client.ts'
import { WechatPayError, WechatPayNetworkError, WechatPayResponseVerificationError } from './errors.ts'
import { WechatInvalidInputError } from '../errors.ts'
import type { WechatSettings } from '../settings.ts'
import { generateRsaKeys, signAsWechatpay, startStandIn } from '../../../../test/wechat-stand-in-helpers.ts'
import type { ReceivedRequest, StandIn } from '../../../../test/wechat-stand-in-helpers.ts'

const merchant = generateRsaKeys()
const wechatpay = generateRsaKeys()
const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006'
const MCH_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'

/** What the stand-in answers next; each test sets it. */
let reply: (req: ReceivedRequest, res: ServerResponse) => void
let standIn: StandIn

function settingsFor(base: string, overrides: Partial<WechatSettings> = {}): WechatSettings {
  return {
    appId: 'wxapp',
    appSecret: 'unused',
    oauthBase: 'http://unused',
    apiBase: 'http://unused',
    payBase: base,
    mchId: '1900000001',
    mchSerial: MCH_SERIAL,
    mchPrivateKeyPem: merchant.privateKeyPem,
    apiV3Key: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6',
    wechatpayPublicKeys: { [PUB_KEY_ID]: wechatpay.publicKeyPem },
    wechatpayPublicKeyId: PUB_KEY_ID,
    ...overrides,
  }
}

/** Answers as WeChat Pay does: Wechatpay-* headers signed over ts\nnonce\nbody\n, and a Request-ID. */
function signedReply(res: ServerResponse, status: number, body: string, signatureOverride?: string): void {
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = randomUUID().replaceAll('-', '')
  res.writeHead(status, {
    ...(body === '' ? {} : { 'Content-Type': 'application/json' }),
    'Request-ID': '08F78BB5AF0610D302A3FD2D0A2A2E',
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': PUB_KEY_ID,
    'Wechatpay-Signature': signatureOverride ?? signAsWechatpay(wechatpay.privateKeyPem, ts, nonce, body),
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  })
  res.end(body)
}

/** The stand-in's own check of our Authorization header: pairs in any order, signature over the received request. */
function authorizationVerifies(req: ReceivedRequest): boolean {
  const header = String(req.headers.authorization ?? '')
  const [schema, rest = ''] = header.split(' ', 2)
  if (schema !== 'WECHATPAY2-SHA256-RSA2048') return false
  const pairs = Object.fromEntries([...rest.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
  if (pairs.mchid !== '1900000001' || pairs.serial_no !== MCH_SERIAL) return false
  if (!/^[A-Za-z0-9]{32}$/.test(pairs.nonce_str ?? '')) return false
  if (Math.abs(Date.now() / 1000 - Number(pairs.timestamp)) > 300) return false
  const signed = `${req.method}\n${req.url}\n${pairs.timestamp}\n${pairs.nonce_str}\n${req.body}\n`
  return createVerify('RSA-SHA256').update(signed).verify(merchant.publicKeyPem, pairs.signature ?? '', 'base64')
}

beforeAll(async () => {
  standIn = await startStandIn((req, res) => reply(req, res))
})
afterAll(() => standIn.close())
beforeEach(() => {
  standIn.requests.length = 0
})

describe('createWechatPayClient', () => {
  it('prepays with a signed body that is byte-for-byte the body sent, and returns the prepay_id', async () => {
    reply = (req, res) =>
      authorizationVerifies(req)
        ? signedReply(res, 200, '{"prepay_id":"wx201410272009395522657a690389285100"}')
        : signedReply(res, 401, '{"code":"SIGN_ERROR","message":"签名错误"}')
    const client = createWechatPayClient(settingsFor(standIn.baseUrl))
    const result = await client.prepayJsapi({
      description: '继续教育课程 A',
      out_trade_no: 'T20250101001',
      notify_url: 'https://h5.example.com/api/pay/notify',
      amount: { total: 100, currency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    })
    expect(result).toEqual({ prepay_id: 'wx201410272009395522657a690389285100' })
    const req = standIn.requests[0]
    expect(req?.method).toBe('POST')
    expect(req?.url).toBe('/v3/pay/transactions/jsapi')
    expect(req?.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'wechatpay-serial': PUB_KEY_ID,
    })
    expect(req?.headers['user-agent']).toBeTruthy()
    expect(JSON.parse(req?.body ?? '')).toMatchObject({ appid: 'wxapp', mchid: '1900000001', out_trade_no: 'T20250101001' })
  })

  it('signs a GET with its query and an empty body line, and returns the transaction', async () => {
    reply = (req, res) =>
      authorizationVerifies(req)
        ? signedReply(res, 200, JSON.stringify({ appid: 'wxapp', mchid: '1900000001', out_trade_no: 'T1', trade_state: 'NOTPAY' }))
        : signedReply(res, 401, '{"code":"SIGN_ERROR","message":"签名错误"}')
    const client = createWechatPayClient(settingsFor(standIn.baseUrl))
    const transaction = await client.queryByOutTradeNo('T1')
    expect(transaction.trade_state).toBe('NOTPAY')
    expect(standIn.requests[0]?.url).toBe('/v3/pay/transactions/out-trade-no/T1?mchid=1900000001')
    expect(standIn.requests[0]?.headers['content-type']).toBeUndefined()
  })

  it('accepts a signed 204 with an empty body on close', async () => {
    reply = (req, res) => (authorizationVerifies(req) ? signedReply(res, 204, '') : signedReply(res, 401, '{"code":"SIGN_ERROR"}'))
    const client = createWechatPayClient(settingsFor(standIn.baseUrl))
    await expect(client.close('T1')).resolves.toBeUndefined()
    expect(standIn.requests[0]?.url).toBe('/v3/pay/transactions/out-trade-no/T1/close')
    expect(standIn.requests[0]?.body).toBe('{"mchid":"1900000001"}')
  })

  it('treats an unsigned 200 as forged', async () => {
    reply = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"prepay_id":"wx-forged"}')
    }
    const error = await createWechatPayClient(settingsFor(standIn.baseUrl))
      .prepayJsapi({ description: 'd', out_trade_no: 'T123456', notify_url: 'https://x/n', amount: { total: 1 }, payer: { openid: 'o' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatPayResponseVerificationError)
    expect(error).toMatchObject({ reason: 'missing_headers', status: 200 })
  })

  it('treats a signature probe or a signature over another body as failed verification', async () => {
    const client = createWechatPayClient(settingsFor(standIn.baseUrl))
    reply = (_req, res) => signedReply(res, 204, '', 'WECHATPAY/SIGNTEST/N5rVfRb8gOnIbAsOI0vyqIFbLTeb5l6L')
    await expect(client.close('T1')).rejects.toMatchObject({ name: 'WechatPayResponseVerificationError', reason: 'probe' })
    reply = (_req, res) => signedReply(res, 200, '{"refund_id":"1","out_refund_no":"R1","status":"SUCCESS"}', signAsWechatpay(wechatpay.privateKeyPem, '1', 'n', ''))
    await expect(client.queryRefund('R1')).rejects.toMatchObject({ name: 'WechatPayResponseVerificationError' })
  })

  it('surfaces 401 SIGN_ERROR with its code and Request-ID, without verifying the error', async () => {
    reply = (_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json', 'Request-ID': '08F78BB5AF0610D302A3FD2D0A2A2E-268435461' })
      res.end('{"code":"SIGN_ERROR","message":"签名错误"}')
    }
    const error = await createWechatPayClient(settingsFor(standIn.baseUrl))
      .queryRefund('R1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatPayError)
    expect(error).toMatchObject({ status: 401, code: 'SIGN_ERROR', requestId: '08F78BB5AF0610D302A3FD2D0A2A2E-268435461', retryable: false })
  })

  it('marks a 500 SYSTEM_ERROR retryable and copes with a non-JSON error page', async () => {
    const client = createWechatPayClient(settingsFor(standIn.baseUrl))
    reply = (_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end('{"code":"SYSTEM_ERROR","message":"系统错误"}')
    }
    await expect(client.queryByOutTradeNo('T1')).rejects.toMatchObject({ code: 'SYSTEM_ERROR', retryable: true })
    reply = (_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' })
      res.end('<html>bad gateway</html>')
    }
    await expect(client.queryByOutTradeNo('T1')).rejects.toMatchObject({ status: 502, code: 'HTTP_502', retryable: true })
  })

  it('reports a timeout as a retryable network error', async () => {
    reply = () => {
      /* never answers */
    }
    const error = await createWechatPayClient(settingsFor(standIn.baseUrl), { timeoutMs: 100 })
      .queryByOutTradeNo('T1')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WechatPayNetworkError)
    expect(error).toMatchObject({ reason: 'timeout', retryable: true })
  })

  it('refuses a body with emoji before sending anything', async () => {
    reply = (_req, res) => signedReply(res, 200, '{"prepay_id":"x"}')
    await expect(
      createWechatPayClient(settingsFor(standIn.baseUrl)).prepayJsapi({
        description: '课程 🎓',
        out_trade_no: 'T123456',
        notify_url: 'https://x/n',
        amount: { total: 1 },
        payer: { openid: 'o' },
      }),
    ).rejects.toBeInstanceOf(WechatInvalidInputError)
    expect(standIn.requests).toHaveLength(0)
  })

  it('signs the full wire path under a base URL prefix, reads payBase at call time, and omits Wechatpay-Serial in certificate mode', async () => {
    reply = (req, res) =>
      authorizationVerifies(req)
        ? signedReply(res, 200, JSON.stringify({ refund_id: '50000', out_refund_no: 'R|1', status: 'PROCESSING', amount: { total: 1, refund: 1 } }))
        : signedReply(res, 401, '{"code":"SIGN_ERROR"}')
    const settings = settingsFor('http://127.0.0.1:1', { wechatpayPublicKeyId: null })
    const client = createWechatPayClient(settings)
    settings.payBase = `${standIn.baseUrl}/wx-sim/mch`
    const refund = await client.queryRefund('R|1')
    expect(refund.status).toBe('PROCESSING')
    expect(standIn.requests[0]?.url).toBe('/wx-sim/mch/v3/refund/domestic/refunds/R%7C1')
    expect(standIn.requests[0]?.headers['wechatpay-serial']).toBeUndefined()
  })

  it('creates a refund and returns the accepted refund', async () => {
    reply = (req, res) =>
      authorizationVerifies(req)
        ? signedReply(res, 200, JSON.stringify({ refund_id: '50000', out_refund_no: 'R1', transaction_id: 't', out_trade_no: 'T1', status: 'PROCESSING', amount: { total: 100, refund: 100 } }))
        : signedReply(res, 401, '{"code":"SIGN_ERROR"}')
    const refund = await createWechatPayClient(settingsFor(standIn.baseUrl)).createRefund({
      out_trade_no: 'T1',
      out_refund_no: 'R1',
      amount: { refund: 100, total: 100, currency: 'CNY' },
    })
    expect(refund).toMatchObject({ refund_id: '50000', status: 'PROCESSING' })
    expect(standIn.requests[0]?.url).toBe('/v3/refund/domestic/refunds')
  })
})
