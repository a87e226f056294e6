// Pay v3 through the simulator, with the merchant side written by hand here (not shared with the
// simulator or the product), so a signing bug on either side shows up as a failing test.
import { createDecipheriv, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { APP_ID, API_V3_KEY, MCH_ID, MERCHANT_SERIAL, PUB_KEY_ID, issueOpenid, startSimulator, type Harness } from '../../test/simulator-helpers.ts'

let h: Harness
let openid: string
beforeEach(async () => {
  h = await startSimulator()
  openid = await issueOpenid(h.app)
})
afterEach(async () => {
  await h.sim.close()
  await h.app.close()
})

// ---- hand-written merchant client -------------------------------------------------------------
function signingString(method: string, url: string, ts: string, nonce: string, body: string): string {
  return `${method}\n${url}\n${ts}\n${nonce}\n${body}\n`
}
function authorization(method: string, url: string, body: string, o: { ts?: string; nonce?: string; serial?: string; order?: 'java' | 'go' } = {}): string {
  const ts = o.ts ?? String(Math.floor(h.clock.now() / 1000))
  const nonce = o.nonce ?? randomBytes(16).toString('hex')
  const signature = createSign('RSA-SHA256').update(signingString(method, url, ts, nonce, body)).sign(h.keys.merchantPrivate, 'base64')
  const serial = o.serial ?? MERCHANT_SERIAL
  return o.order === 'go'
    ? `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}",nonce_str="${nonce}",timestamp="${ts}",serial_no="${serial}",signature="${signature}"`
    : `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}",nonce_str="${nonce}",signature="${signature}",timestamp="${ts}",serial_no="${serial}"`
}
async function call(method: 'GET' | 'POST', path: string, body?: object | string, extra: Record<string, string> = {}) {
  const url = `/wx-sim/mch${path}`
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  return h.app.inject({
    method,
    url,
    headers: {
      accept: 'application/json',
      'user-agent': 'cq-jxjy-test/1.0',
      ...(payload ? { 'content-type': 'application/json' } : {}),
      authorization: authorization(method, url, payload),
      ...extra,
    },
    ...(payload ? { payload } : {}),
  })
}
function verifiedByWechatpay(res: { headers: Record<string, unknown>; body: string }, key = h.keys.wechatpayPublic): boolean {
  const ts = String(res.headers['wechatpay-timestamp'])
  const nonce = String(res.headers['wechatpay-nonce'])
  return createVerify('RSA-SHA256').update(`${ts}\n${nonce}\n${res.body}\n`).verify(key, String(res.headers['wechatpay-signature']), 'base64')
}
function paySign(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return createSign('RSA-SHA256').update(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`).sign(h.keys.merchantPrivate, 'base64')
}
async function cashier(prepayId: string, action: 'confirm' | 'cancel' | 'fail' = 'confirm', tamper = false) {
  const timeStamp = String(Math.floor(h.clock.now() / 1000))
  const nonceStr = randomBytes(8).toString('hex')
  const pkg = `prepay_id=${prepayId}`
  const sign = paySign(APP_ID, timeStamp, tamper ? `${nonceStr}x` : nonceStr, pkg)
  return h.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ appId: APP_ID, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign: sign, action }) })
}
const order = (outTradeNo: string, over: Record<string, unknown> = {}) => ({
  appid: APP_ID, mchid: MCH_ID, description: '继续教育-公需课 2025', out_trade_no: outTradeNo,
  notify_url: 'http://127.0.0.1:9/pay/notify', amount: { total: 9900, currency: 'CNY' }, payer: { openid }, ...over,
})
async function prepay(outTradeNo: string, over: Record<string, unknown> = {}) {
  return call('POST', '/v3/pay/transactions/jsapi', order(outTradeNo, over))
}
// -------------------------------------------------------------------------------------------------

describe('request authentication', () => {
  it('accepts the exact 5-line strings, GET ending with NONCE\\n\\n', async () => {
    h.clock.t = 1554208460_000
    const url = `/wx-sim/mch/v3/pay/transactions/out-trade-no/T20250101001?mchid=${MCH_ID}`
    expect(signingString('GET', url, '1554208460', 'NONCE', '')).toBe(`GET\n/wx-sim/mch/v3/pay/transactions/out-trade-no/T20250101001?mchid=1900000001\n1554208460\nNONCE\n\n`)
    const res = await h.app.inject({ method: 'GET', url, headers: { accept: '*/*', 'user-agent': 'ua', authorization: authorization('GET', url, '', { ts: '1554208460', nonce: 'NONCE' }) } })
    expect(res.json()).toMatchObject({ code: 'ORDER_NOT_EXIST' }) // past authentication
    const body = '{"mchid":"1900000001"}'
    const closeUrl = '/wx-sim/mch/v3/pay/transactions/out-trade-no/T20250101001/close'
    expect(signingString('POST', closeUrl, '1554208460', 'NONCE', body)).toBe(`POST\n${closeUrl}\n1554208460\nNONCE\n{"mchid":"1900000001"}\n`)
    const post = await h.app.inject({ method: 'POST', url: closeUrl, payload: body, headers: { accept: '*/*', 'user-agent': 'ua', 'content-type': 'application/json', authorization: authorization('POST', closeUrl, body, { ts: '1554208460', nonce: 'NONCE', order: 'go' }) } })
    expect(post.statusCode).toBe(404)
  })

  it('rejects a bad signature with 401 SIGN_ERROR and no Wechatpay-* headers', async () => {
    const url = `/wx-sim/mch/v3/pay/transactions/out-trade-no/T20250101001?mchid=${MCH_ID}`
    const cases = [
      authorization('GET', '/v3/pay/transactions/out-trade-no/T20250101001?mchid=1900000001', ''), // signed without the base path
      authorization('GET', url.replace('?mchid=1900000001', ''), ''), // query dropped
      authorization('GET', url, '', { ts: String(Math.floor(h.clock.now() / 1000) - 301) }), // stale
      authorization('GET', url, '', { serial: BigInt(`0x${MERCHANT_SERIAL}`).toString(10) }), // decimal serial
      `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}"`,
    ]
    for (const auth of cases) {
      const res = await h.app.inject({ method: 'GET', url, headers: { accept: '*/*', 'user-agent': 'ua', authorization: auth } })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ code: 'SIGN_ERROR', message: '签名错误' })
      expect(Object.keys(res.headers).filter((k) => k.startsWith('wechatpay-'))).toEqual([])
      expect(String(res.headers['request-id'])).toMatch(/-\d+$/)
    }
  })

  it('requires Accept and User-Agent', async () => {
    const url = `/wx-sim/mch/v3/pay/transactions/out-trade-no/X123456?mchid=${MCH_ID}`
    const res = await h.app.inject({ method: 'GET', url, headers: { 'user-agent': 'ua', authorization: authorization('GET', url, '') } })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ code: 'INVALID_REQUEST', message: 'Http头缺少Accept或User-Agent' })
  })

  it('rejects a body mchid that differs from the header mchid', async () => {
    const res = await prepay('ORDER000001', { mchid: '1900000002' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'INVALID_REQUEST' })
  })
})

describe('JSAPI prepay', () => {
  it('signs 2xx responses and is idempotent for identical parameters', async () => {
    const first = await prepay('ORDER000001')
    expect(first.statusCode).toBe(200)
    expect(first.headers['wechatpay-serial']).toBe(PUB_KEY_ID)
    expect(first.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(String(first.headers['wechatpay-nonce'])).toMatch(/^[0-9A-Fa-f]{32}$/)
    expect(String(first.headers['request-id'])).not.toMatch(/-\d+$/)
    expect(verifiedByWechatpay(first)).toBe(true)
    const prepayId = (first.json() as { prepay_id: string }).prepay_id
    expect(prepayId).toMatch(/^wx\d{14}/)
    // same parameters, different key order and spacing → new prepay_id
    const { amount, ...rest } = order('ORDER000001')
    const again = await call('POST', '/v3/pay/transactions/jsapi', JSON.stringify({ amount, ...rest }, null, 1))
    expect(again.statusCode).toBe(200)
    expect((again.json() as { prepay_id: string }).prepay_id).not.toBe(prepayId)
    const changed = await prepay('ORDER000001', { amount: { total: 1, currency: 'CNY' } })
    expect(changed.statusCode).toBe(400)
    expect(changed.json()).toMatchObject({ code: 'INVALID_REQUEST', message: '请求重入时，参数与首次请求时不一致' })
    expect(String(changed.headers['request-id'])).toMatch(/-268498688$/)
  })

  it.each([
    ['emoji in description', { description: '课程😀' }, 400, 'PARAM_ERROR'],
    ['description over 127 bytes', { description: '课'.repeat(43) }, 400, 'PARAM_ERROR'],
    ['zero amount', { amount: { total: 0 } }, 400, 'PARAM_ERROR'],
    ['yuan instead of fen', { amount: { total: 99.5 } }, 400, 'PARAM_ERROR'],
    ['notify_url with query', { notify_url: 'https://h5.example.test/notify?x=1' }, 400, 'PARAM_ERROR'],
    ['relative notify_url', { notify_url: '/notify' }, 400, 'PARAM_ERROR'],
    ['bad time_expire', { time_expire: '2025-01-01 10:00:00' }, 400, 'PARAM_ERROR'],
    ['missing openid', { payer: {} }, 400, 'PARAM_ERROR'],
    ['appid not bound', { appid: 'wx0000000000000000' }, 400, 'APPID_MCHID_NOT_MATCH'],
    ['openid of nobody', { payer: { openid: 'oAAAAAaaaaaaaaaaaaaaaaaaaaaa' } }, 500, 'OPENID_MISMATCH'],
  ])('rejects %s', async (_name, over, status, code) => {
    const res = await prepay('ORDER000002', over)
    expect(res.statusCode).toBe(status)
    expect(res.json()).toMatchObject({ code })
    expect(res.headers['wechatpay-signature']).toBeUndefined()
  })

  it('rejects short or odd out_trade_no and http notify_url unless allowed', async () => {
    expect((await prepay('A1')).statusCode).toBe(400)
    expect((await prepay('ORDER#0001')).statusCode).toBe(400)
    await h.sim.close()
    await h.app.close()
    h = await startSimulator({ allowHttpNotifyUrl: false })
    openid = await issueOpenid(h.app)
    expect((await prepay('ORDER000003')).json()).toMatchObject({ code: 'PARAM_ERROR' })
    expect((await prepay('ORDER000003', { notify_url: 'https://h5.example.test/pay/notify' })).statusCode).toBe(200)
  })
})

describe('cashier, query and close', () => {
  it('verifies paySign, pays once, then refuses to re-enter or close', async () => {
    const prepayId = ((await prepay('ORDER000010', { attach: 'batch-7' })).json() as { prepay_id: string }).prepay_id
    const notPaid = await call('GET', `/v3/pay/transactions/out-trade-no/ORDER000010?mchid=${MCH_ID}`)
    expect(notPaid.json()).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: 'ORDER000010' })
    expect(notPaid.json()).not.toHaveProperty('transaction_id')
    expect(notPaid.json()).not.toHaveProperty('payer')
    expect(notPaid.json()).not.toHaveProperty('attach')

    const forged = await cashier(prepayId, 'confirm', true)
    expect(forged.statusCode).toBe(401)
    expect(forged.json()).toEqual({ err_msg: 'get_brand_wcpay_request:fail', detail: '支付验证签名失败' })
    expect((await cashier(prepayId, 'cancel')).json()).toEqual({ err_msg: 'get_brand_wcpay_request:cancel' })
    expect((await cashier(prepayId)).json()).toEqual({ err_msg: 'get_brand_wcpay_request:ok' })
    expect((await cashier(prepayId)).statusCode).toBe(409)

    const paid = await call('GET', `/v3/pay/transactions/out-trade-no/ORDER000010?mchid=${MCH_ID}`)
    const tx = paid.json() as Record<string, unknown>
    expect(verifiedByWechatpay(paid)).toBe(true)
    expect(tx).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'JSAPI', attach: 'batch-7', payer: { openid }, amount: { total: 9900, payer_total: 9900, currency: 'CNY' } })
    expect(String(tx.success_time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
    const byId = await call('GET', `/v3/pay/transactions/id/${String(tx.transaction_id)}?mchid=${MCH_ID}`)
    expect(byId.json()).toMatchObject({ out_trade_no: 'ORDER000010' })

    expect((await prepay('ORDER000010', { attach: 'batch-7' })).json()).toEqual({ code: 'ORDERPAID', message: '订单已支付' })
    const close = await call('POST', '/v3/pay/transactions/out-trade-no/ORDER000010/close', { mchid: MCH_ID })
    expect(close.statusCode).toBe(400)
    expect(close.json()).toMatchObject({ code: 'ORDERPAID' })
  })

  it('closes with a signed 204 (empty body), re-entrantly, and then refuses prepay', async () => {
    await prepay('ORDER000011')
    const closed = await call('POST', '/v3/pay/transactions/out-trade-no/ORDER000011/close', { mchid: MCH_ID })
    expect(closed.statusCode).toBe(204)
    expect(closed.body).toBe('')
    expect(verifiedByWechatpay(closed)).toBe(true)
    expect((await call('POST', '/v3/pay/transactions/out-trade-no/ORDER000011/close', { mchid: MCH_ID })).statusCode).toBe(204)
    expect((await call('GET', `/v3/pay/transactions/out-trade-no/ORDER000011?mchid=${MCH_ID}`)).json()).toMatchObject({ trade_state: 'CLOSED' })
    expect((await prepay('ORDER000011')).json()).toMatchObject({ code: 'ORDER_CLOSED' })
  })

  it('clamps time_expire to +1 minute, expires prepay_id after 2 hours, and records PAYERROR', async () => {
    const past = await prepay('ORDER000012', { time_expire: '2020-01-01T00:00:00+08:00' })
    const pastId = (past.json() as { prepay_id: string }).prepay_id
    const late = await prepay('ORDER000013')
    const lateId = (late.json() as { prepay_id: string }).prepay_id
    const failing = (await prepay('ORDER000014')).json() as { prepay_id: string }
    expect((await cashier(failing.prepay_id, 'fail')).json()).toMatchObject({ err_msg: 'get_brand_wcpay_request:fail' })
    expect((await call('GET', `/v3/pay/transactions/out-trade-no/ORDER000014?mchid=${MCH_ID}`)).json()).toMatchObject({ trade_state: 'PAYERROR' })
    h.clock.advance(61_000)
    expect((await cashier(pastId)).statusCode).toBe(409)
    expect((await call('GET', `/v3/pay/transactions/out-trade-no/ORDER000012?mchid=${MCH_ID}`)).json()).toMatchObject({ trade_state: 'CLOSED' })
    h.clock.advance(2 * 3600_000)
    expect((await cashier(lateId)).json()).toMatchObject({ detail: expect.stringContaining('prepay_id') })
  })
})

describe('API faults', () => {
  it('sends an unsigned 2xx, a wrong serial, a stale timestamp, 500 and 429 on demand', async () => {
    h.sim.faults.set('unsignedResponse')
    const unsigned = await prepay('ORDER000020')
    expect(unsigned.statusCode).toBe(200)
    expect(unsigned.headers['wechatpay-signature']).toBeUndefined()
    expect(unsigned.headers['request-id']).toMatch(/\S+/) // still carries a Request-ID
    expect(verifiedByWechatpay(await prepay('ORDER000020'))).toBe(true) // one-shot

    h.sim.faults.set('wrongSerial', true, { target: 'response' })
    expect((await prepay('ORDER000020')).headers['wechatpay-serial']).not.toBe(PUB_KEY_ID)
    h.sim.faults.set('staleTimestamp', 600, { target: 'response' })
    const stale = await prepay('ORDER000020')
    expect(Number(stale.headers['wechatpay-timestamp'])).toBe(Math.floor(h.clock.now() / 1000) - 600)
    expect(verifiedByWechatpay(stale)).toBe(true)

    h.sim.faults.set('serverError', true, { sticky: true })
    expect((await prepay('ORDER000020')).statusCode).toBe(500)
    const again = await prepay('ORDER000020')
    expect(again.json()).toEqual({ code: 'SYSTEM_ERROR', message: '系统错误' })
    h.sim.faults.clear('serverError')
    const set = await h.app.inject({ method: 'POST', url: '/wx-sim/dev/faults', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'rateLimited' }) })
    expect(set.json()).toMatchObject({ faults: [{ name: 'rateLimited', sticky: false }] })
    expect((await prepay('ORDER000020')).statusCode).toBe(429)
    h.sim.faults.set('timeoutMs', 50)
    const t0 = Date.now()
    expect((await prepay('ORDER000020')).statusCode).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45)
  })
})

describe('refunds', () => {
  async function paidOrder(no: string): Promise<void> {
    const prepayId = ((await prepay(no)).json() as { prepay_id: string }).prepay_id
    expect((await cashier(prepayId)).statusCode).toBe(200)
  }
  const refund = (outRefundNo: string, amount: number, over: Record<string, unknown> = {}) =>
    call('POST', '/v3/refund/domestic/refunds', { out_trade_no: 'ORDER000030', out_refund_no: outRefundNo, reason: '学员退课', amount: { refund: amount, total: 9900, currency: 'CNY' }, ...over })

  it('enforces the refundable balance, out_refund_no idempotency and completes later', async () => {
    expect((await refund('R1', 100)).json()).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' })
    await paidOrder('ORDER000030')
    const first = await refund('R1', 5000)
    expect(first.statusCode).toBe(200)
    expect(verifiedByWechatpay(first)).toBe(true)
    expect(first.json()).toMatchObject({ out_refund_no: 'R1', status: 'PROCESSING', amount: { refund: 5000, total: 9900 } })
    expect(first.json()).not.toHaveProperty('success_time')
    expect((await refund('R1', 5000)).json()).toMatchObject({ refund_id: (first.json() as { refund_id: string }).refund_id })
    expect((await refund('R1', 4000)).json()).toMatchObject({ code: 'INVALID_REQUEST' })
    expect((await refund('R2', 5000)).json()).toMatchObject({ code: 'INVALID_REQUEST' }) // 5000 + 5000 > 9900
    expect((await refund('R3', 100, { amount: { refund: 100, total: 100, currency: 'CNY' } })).json()).toMatchObject({ code: 'PARAM_ERROR' })
    expect((await call('GET', `/v3/pay/transactions/out-trade-no/ORDER000030?mchid=${MCH_ID}`)).json()).toMatchObject({ trade_state: 'REFUND' })
    await new Promise((r) => setTimeout(r, 50))
    const done = await call('GET', '/v3/refund/domestic/refunds/R1')
    expect(done.json()).toMatchObject({ status: 'SUCCESS', user_received_account: '支付用户零钱' })
    expect((await call('GET', '/v3/refund/domestic/refunds/NOPE')).statusCode).toBe(404)
  })

  it('limits partial refunds to 50 and orders to one year', async () => {
    await paidOrder('ORDER000030')
    for (let i = 0; i < 50; i++) expect((await refund(`P${i}`, 1)).statusCode).toBe(200)
    expect((await refund('P50', 1)).json()).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('50') })
    await paidOrder('ORDER000031')
    h.clock.advance(366 * 24 * 3600_000)
    const old = await refund('OLD1', 1, { out_trade_no: 'ORDER000031' })
    expect(old.json()).toMatchObject({ code: 'INVALID_REQUEST' })
  })
})

describe('certificates', () => {
  it('is empty in public-key mode', async () => {
    const res = await call('GET', '/v3/certificates')
    expect(res.json()).toEqual({ data: [] })
    expect(verifiedByWechatpay(res)).toBe(true)
  })

  it('serves the encrypted platform certificate and signs with it when asked', async () => {
    await h.sim.close()
    await h.app.close()
    const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const certificatePem = '-----BEGIN CERTIFICATE-----\nTEST-FIXTURE\n-----END CERTIFICATE-----\n'
    const serial = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'
    h = await startSimulator({ platformCert: { serial, privateKeyPem: platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem } })
    const res = await call('GET', '/v3/certificates')
    expect(res.headers['wechatpay-serial']).toBe(serial)
    expect(verifiedByWechatpay(res, platform.publicKey)).toBe(true)
    const item = (res.json() as { data: { serial_no: string; encrypt_certificate: { nonce: string; associated_data: string; ciphertext: string } }[] }).data[0]!
    expect(item.serial_no).toBe(serial)
    const enc = item.encrypt_certificate
    const raw = Buffer.from(enc.ciphertext, 'base64')
    const d = createDecipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(enc.nonce))
    d.setAAD(Buffer.from(enc.associated_data))
    d.setAuthTag(raw.subarray(raw.length - 16))
    expect(Buffer.concat([d.update(raw.subarray(0, raw.length - 16)), d.final()]).toString()).toBe(certificatePem)
    const platformSigned = await call('GET', `/v3/pay/transactions/out-trade-no/X000001?mchid=${MCH_ID}`, undefined, { 'wechatpay-serial': serial })
    expect(platformSigned.statusCode).toBe(404)
    openid = await issueOpenid(h.app)
    const ok = await call('POST', '/v3/pay/transactions/jsapi', order('ORDER000040'), { 'wechatpay-serial': serial })
    expect(ok.headers['wechatpay-serial']).toBe(serial)
    expect(verifiedByWechatpay(ok, platform.publicKey)).toBe(true)
  })
})
