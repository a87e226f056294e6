// Notifications end to end: the simulator posts to a tiny local HTTP receiver, and this file
// verifies and decrypts them with its own hand-written code.
import { createDecipheriv, createSign, createVerify, randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { APP_ID, API_V3_KEY, MCH_ID, MERCHANT_SERIAL, PUB_KEY_ID, issueOpenid, startSimulator, type Harness } from '../../test/simulator-helpers.ts'

interface Received { path: string; headers: IncomingHttpHeaders; body: string }

let h: Harness
let server: Server
let received: Received[]
let statuses: number[] // statuses to answer, in order; 204 once exhausted
let base: string
let openid: string

beforeEach(async () => {
  received = []
  statuses = []
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      const status = statuses.shift() ?? 204
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(status < 300 ? '' : '{"code":"FAIL","message":"失败"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  h = await startSimulator({ now: Date.now })
  openid = await issueOpenid(h.app)
})
afterEach(async () => {
  await h.sim.close()
  await h.app.close()
  await new Promise((resolve) => server.close(resolve))
})

// ---- hand-written merchant side ------------------------------------------------------------------
async function call(method: 'GET' | 'POST', path: string, body?: object) {
  const url = `/wx-sim/mch${path}`
  const payload = body ? JSON.stringify(body) : ''
  const ts = String(Math.floor(Date.now() / 1000))
  const nonce = randomBytes(16).toString('hex')
  const signature = createSign('RSA-SHA256').update(`${method}\n${url}\n${ts}\n${nonce}\n${payload}\n`).sign(h.keys.merchantPrivate, 'base64')
  return h.app.inject({
    method, url, ...(payload ? { payload } : {}),
    headers: {
      accept: 'application/json', 'user-agent': 'test', ...(payload ? { 'content-type': 'application/json' } : {}),
      authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}",serial_no="${MERCHANT_SERIAL}",timestamp="${ts}",nonce_str="${nonce}",signature="${signature}"`,
    },
  })
}
async function pay(outTradeNo: string, total = 9900, path = '/pay/notify'): Promise<void> {
  const res = await call('POST', '/v3/pay/transactions/jsapi', {
    appid: APP_ID, mchid: MCH_ID, description: '公需课', out_trade_no: outTradeNo, attach: 'a1',
    notify_url: `${base}${path}`, amount: { total }, payer: { openid },
  })
  const pkg = `prepay_id=${(res.json() as { prepay_id: string }).prepay_id}`
  const timeStamp = String(Math.floor(Date.now() / 1000))
  const nonceStr = randomBytes(8).toString('hex')
  const paySign = createSign('RSA-SHA256').update(`${APP_ID}\n${timeStamp}\n${nonceStr}\n${pkg}\n`).sign(h.keys.merchantPrivate, 'base64')
  const cashier = await h.app.inject({ method: 'POST', url: '/wx-sim/dev/pay', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ appId: APP_ID, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign, action: 'confirm' }) })
  expect(cashier.json()).toEqual({ err_msg: 'get_brand_wcpay_request:ok' })
}
function verifies(r: Received): boolean {
  const sig = String(r.headers['wechatpay-signature'])
  if (sig.startsWith('WECHATPAY/SIGNTEST/')) return false
  if (r.headers['wechatpay-serial'] !== PUB_KEY_ID) return false
  if (Math.abs(Date.now() / 1000 - Number(r.headers['wechatpay-timestamp'])) >= 300) return false
  const message = `${String(r.headers['wechatpay-timestamp'])}\n${String(r.headers['wechatpay-nonce'])}\n${r.body}\n`
  return createVerify('RSA-SHA256').update(message).verify(h.keys.wechatpayPublic, sig, 'base64')
}
function decrypt(r: Received): { envelope: Record<string, unknown>; resource: Record<string, unknown> } {
  const envelope = JSON.parse(r.body) as { resource: { ciphertext: string; nonce: string; associated_data: string } }
  const raw = Buffer.from(envelope.resource.ciphertext, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(API_V3_KEY, 'utf8'), Buffer.from(envelope.resource.nonce, 'utf8'))
  decipher.setAAD(Buffer.from(envelope.resource.associated_data, 'utf8'))
  decipher.setAuthTag(raw.subarray(raw.length - 16))
  const plain = Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8')
  return { envelope: envelope as unknown as Record<string, unknown>, resource: JSON.parse(plain) as Record<string, unknown> }
}
async function waitFor(count: number, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (received.length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
  expect(received.length).toBeGreaterThanOrEqual(count)
}
// -------------------------------------------------------------------------------------------------

describe('payment notification', () => {
  it('is signed, verifiable and decryptable, with the documented fields', async () => {
    await pay('NOTIFY000001')
    await waitFor(1)
    const r = received[0]!
    expect(r.path).toBe('/pay/notify')
    expect(r.headers['user-agent']).toBe('Mozilla/4.0')
    expect(r.headers.accept).toBe('*/*')
    expect(r.headers['request-id']).toBeTruthy()
    expect(r.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(verifies(r)).toBe(true)
    const { envelope, resource } = decrypt(r)
    expect(envelope).toMatchObject({ resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功', resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction' } })
    expect(String((envelope.resource as { nonce: string }).nonce)).toHaveLength(12)
    expect(String(envelope.create_time)).toMatch(/\+08:00$/)
    expect(resource).toMatchObject({
      appid: APP_ID, mchid: MCH_ID, out_trade_no: 'NOTIFY000001', trade_type: 'JSAPI', trade_state: 'SUCCESS', trade_state_desc: '支付成功',
      attach: 'a1', payer: { openid }, amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
    })
    expect(String(resource.transaction_id)).toMatch(/^\d{28}$/)
    expect(String(resource.success_time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
    await new Promise((r) => setTimeout(r, 60))
    expect(received).toHaveLength(1) // 204 counts as delivered
  })

  it('retries on the official schedule (scaled) while the receiver answers 500', async () => {
    statuses = [500, 500, 503]
    await pay('NOTIFY000002')
    await waitFor(4)
    const ids = received.map((r) => (JSON.parse(r.body) as { id: string }).id)
    expect(new Set(ids).size).toBe(1)
    expect(received.every(verifies)).toBe(true)
    await new Promise((r) => setTimeout(r, 100))
    expect(received).toHaveLength(4)
    const log = (await h.app.inject({ method: 'GET', url: '/wx-sim/dev/notifications' })).json() as { deliveries: { attempt: number; status: number }[] }
    expect(log.deliveries.map((d) => [d.attempt, d.status])).toEqual([[0, 500], [1, 500], [2, 503], [3, 204]])
  })

  it('sends a SIGNTEST probe first, then the real notification', async () => {
    statuses = [401]
    h.sim.faults.set('probe')
    await pay('NOTIFY000003')
    await waitFor(2)
    expect(String(received[0]!.headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\//)
    expect(verifies(received[0]!)).toBe(false)
    expect(verifies(received[1]!)).toBe(true)
  })

  it('duplicates concurrently, signs badly, and misstates the amount on demand', async () => {
    h.sim.faults.set('duplicate', 3)
    await pay('NOTIFY000004')
    await waitFor(3)
    expect(new Set(received.map((r) => (JSON.parse(r.body) as { id: string }).id)).size).toBe(1)

    received = []
    statuses = [401]
    h.sim.faults.set('badSignature')
    h.sim.faults.set('amountMismatch', 5)
    await pay('NOTIFY000005', 100)
    await waitFor(2)
    expect(verifies(received[0]!)).toBe(false) // wrong key; our 401 makes WeChat retry
    expect(verifies(received[1]!)).toBe(true)
    expect(decrypt(received[1]!).resource).toMatchObject({ amount: { total: 105 } })

    received = []
    h.sim.faults.set('staleTimestamp', 900, { target: 'notification' })
    statuses = [401]
    await pay('NOTIFY000006')
    await waitFor(2)
    expect(verifies(received[0]!)).toBe(false)
    expect(verifies(received[1]!)).toBe(true)
  })

  it('delivers two notifications in reverse order', async () => {
    h.sim.faults.set('outOfOrder', 2000)
    await pay('NOTIFY000007', 9900, '/first')
    await pay('NOTIFY000008', 9900, '/second')
    await waitFor(2)
    expect(received.map((r) => r.path)).toEqual(['/second', '/first'])
  })
})

describe('refund notification', () => {
  it('sends REFUND.SUCCESS to the refund notify_url', async () => {
    await pay('NOTIFY000010')
    await waitFor(1)
    const res = await call('POST', '/v3/refund/domestic/refunds', { out_trade_no: 'NOTIFY000010', out_refund_no: 'RF000010', notify_url: `${base}/refund/notify`, amount: { refund: 900, total: 9900, currency: 'CNY' } })
    expect(res.statusCode).toBe(200)
    await waitFor(2)
    const r = received[1]!
    expect(r.path).toBe('/refund/notify')
    expect(verifies(r)).toBe(true)
    const { envelope, resource } = decrypt(r)
    expect(envelope).toMatchObject({ event_type: 'REFUND.SUCCESS', summary: '退款成功', resource: { original_type: 'refund', associated_data: 'refund' } })
    expect(resource).toMatchObject({ mchid: MCH_ID, out_trade_no: 'NOTIFY000010', out_refund_no: 'RF000010', refund_status: 'SUCCESS', amount: { total: 9900, refund: 900 } })
  })

  it('close() stops pending retries', async () => {
    statuses = [500, 500, 500, 500, 500, 500]
    await pay('NOTIFY000011')
    await waitFor(1)
    await h.sim.close()
    const count = received.length
    await new Promise((r) => setTimeout(r, 200))
    expect(received.length).toBe(count)
  })
})
