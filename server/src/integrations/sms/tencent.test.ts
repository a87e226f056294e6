import { createHash, createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SmsPurpose } from './provider.ts'
import { SmsSendError } from './provider.ts'
import { signTc3, tc3Date } from './tc3.ts'
import type { TencentSmsSettings } from './tencent.ts'
import { createTencentSmsProvider } from './tencent.ts'

const PHONE = '13800138000'
const CODE = '246810'

describe('TC3-HMAC-SHA256 known answers', () => {
  it("reproduces the worked example published in Tencent's Signature v3 documentation", () => {
    // Values from the doc's DescribeInstances example (cloud.tencent.com/document/api/382/52072,
    // English: tencentcloud.com/document/api/382/40467), variant signing content-type;host: the doc
    // publishes the payload hash, HashedCanonicalRequest, Signature and full Authorization, and its
    // step 3 names the SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE. The SecretId is masked in the doc
    // but is only copied into Credential, so the masked text is used verbatim.
    const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    const signed = signTc3({
      secretId: 'AKID**********************0123456789EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      contentType: 'application/json; charset=utf-8',
      timestamp: 1551113065,
      payload,
    })
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n' +
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    )
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n' +
        '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    )
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168')
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    )
  })

  // A SendSms request with a non-ASCII SignName, at 2024-12-31T23:59:59Z (already 2025-01-01 in
  // UTC+8, so a local-date bug changes the scope). Expected values were derived outside this code,
  // with LC_ALL=C.UTF-8 and `openssl dgst -sha256` / `openssl dgst -sha256 -mac HMAC -macopt
  // key:TC3<SecretKey>` then `-macopt hexkey:<previous>` for each step of the key chain, and
  // cross-checked with Python's hashlib/hmac (json.dumps(..., ensure_ascii=False, separators=(',',':'))).
  const KAT = {
    secretId: 'AKIDTESTONLY0000000000000000000000',
    secretKey: 'TESTONLYsecretkey0123456789abcdef',
    timestamp: 1735689599,
    payload:
      '{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400000000","SignName":"继续教育",' +
      '"TemplateId":"100001","TemplateParamSet":["246810","5"]}',
    payloadHash: '725fd7c1cacd0e4accb21a25bcd9f1eaaad05b15a6d5e2939eadbdb794a25804',
    canonicalRequestHash: 'debcd4a172fbe61d9ed6e18d6e343c944352dc224548c0adbcb6256b308043f6',
    signature: '726f93b1a6fcdd88693d0a76543a5410799b23ff73974c2e5032c9172ebfb4c8',
  }
  const katAuthorization =
    `TC3-HMAC-SHA256 Credential=${KAT.secretId}/2024-12-31/sms/tc3_request, ` +
    `SignedHeaders=content-type;host, Signature=${KAT.signature}`

  it('matches independently derived values for a SendSms request', () => {
    expect(tc3Date(KAT.timestamp)).toBe('2024-12-31')
    const signed = signTc3({
      secretId: KAT.secretId,
      secretKey: KAT.secretKey,
      service: 'sms',
      host: 'sms.tencentcloudapi.com',
      contentType: 'application/json; charset=utf-8',
      timestamp: KAT.timestamp,
      payload: KAT.payload,
    })
    expect(signed.canonicalRequest.endsWith(`\ncontent-type;host\n${KAT.payloadHash}`)).toBe(true)
    expect(signed.stringToSign).toBe(
      `TC3-HMAC-SHA256\n${KAT.timestamp}\n2024-12-31/sms/tc3_request\n${KAT.canonicalRequestHash}`,
    )
    expect(signed.authorization).toBe(katAuthorization)
  })

  it('the provider sends exactly the pinned request', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = []
    const fakeFetch: typeof fetch = async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} })
      return Response.json({ Response: { SendStatusSet: [{ Code: 'Ok' }], RequestId: 'r-1' } })
    }
    const provider = createTencentSmsProvider(
      {
        ...baseSettings('https://sms.tencentcloudapi.com'),
        secretId: KAT.secretId,
        secretKey: KAT.secretKey,
        sdkAppId: '1400000000',
        signName: '继续教育',
        templateIds: { register: '100001', reset_password: '100002', bind_phone: '100003' },
      },
      { fetch: fakeFetch, now: () => KAT.timestamp * 1000 + 999 },
    )
    await provider.sendVerificationCode({ phone: PHONE, code: CODE, purpose: 'register', ttlMinutes: 5 })

    expect(calls).toHaveLength(1)
    const { url, init } = calls[0]!
    expect(url).toBe('https://sms.tencentcloudapi.com/')
    expect(init.method).toBe('POST')
    expect(init.body).toBe(KAT.payload)
    expect(init.headers).toEqual({
      Authorization: katAuthorization,
      'Content-Type': 'application/json; charset=utf-8',
      Host: 'sms.tencentcloudapi.com',
      'X-TC-Action': 'SendSms',
      'X-TC-Version': '2021-01-11',
      'X-TC-Timestamp': String(KAT.timestamp),
      'X-TC-Region': 'ap-guangzhou',
    })
  })
})

// ---------------------------------------------------------------------------------------------
// A local stand-in of sms.tencentcloudapi.com. It verifies TC3 with its own code (not ./tc3.ts),
// from the raw bytes and headers it received, and answers in Tencent's response shapes.

const STAND_IN_SECRET_ID = 'AKIDstandin'
const STAND_IN_SECRET_KEY = 'standin-secret-key-not-real'

type Scenario =
  | 'ok'
  | 'daily-limit'
  | 'bad-number'
  | 'internal-error'
  | 'rate-limited'
  | 'template-error'
  | 'bad-gateway'
  | 'hang'

interface Received {
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
}

let scenario: Scenario = 'ok'
const received: Received[] = []
let server: Server
let endpoint: string

function hex(data: string, key?: Buffer | string): string {
  return key === undefined
    ? createHash('sha256').update(data).digest('hex')
    : createHmac('sha256', key).update(data).digest('hex')
}

function verifySignature(req: IncomingMessage, raw: Buffer): string | null {
  const pattern =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/
  const match = pattern.exec(req.headers.authorization ?? '')
  if (!match) return 'AuthFailure.InvalidAuthorization'
  const [, secretId, date, signedHeaders, signature] = match as unknown as [string, string, string, string, string]
  if (secretId !== STAND_IN_SECRET_ID) return 'AuthFailure.SecretIdNotFound'
  const timestamp = Number(req.headers['x-tc-timestamp'])
  if (Math.abs(timestamp - Date.now() / 1000) > 300) return 'AuthFailure.SignatureExpire'
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return 'AuthFailure.SignatureFailure'
  if (!signedHeaders.split(';').includes('content-type') || !signedHeaders.split(';').includes('host')) {
    return 'AuthFailure.SignatureFailure'
  }
  const headerLines = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(req.headers[name] ?? '').trim().toLowerCase()}\n`)
    .join('')
  const canonical = `POST\n/\n\n${headerLines}\n${signedHeaders}\n${createHash('sha256').update(raw).digest('hex')}`
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${hex(canonical)}`
  const kDate = createHmac('sha256', `TC3${STAND_IN_SECRET_KEY}`).update(date).digest()
  const kService = createHmac('sha256', kDate).update('sms').digest()
  const kSigning = createHmac('sha256', kService).update('tc3_request').digest()
  return hex(toSign, kSigning) === signature ? null : 'AuthFailure.SignatureFailure'
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

function errorBody(code: string, message: string) {
  return { Response: { Error: { Code: code, Message: message }, RequestId: 'a1b2c3d4-0000-4000-8000-000000000001' } }
}

function statusBody(phone: string, code: string, message: string) {
  return {
    Response: {
      SendStatusSet: [
        {
          SerialNo: '5000:104571066915705365784',
          PhoneNumber: phone,
          Fee: code === 'Ok' ? 1 : 0,
          SessionContext: '',
          Code: code,
          Message: message,
          IsoCode: 'CN',
        },
      ],
      RequestId: 'a1b2c3d4-0000-4000-8000-000000000002',
    },
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  if (scenario === 'hang') return // never answers; the client must time out

  const authError = verifySignature(req, raw)
  if (authError) return reply(res, 200, errorBody(authError, 'The provided credentials could not be validated.'))
  if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') {
    return reply(res, 200, errorBody('InvalidAction', 'unexpected action'))
  }
  if (req.headers['x-tc-region'] !== 'ap-guangzhou') return reply(res, 200, errorBody('InvalidParameter', 'region'))
  const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>
  received.push({ headers: req.headers, body })
  const phone = (body.PhoneNumberSet as string[])[0] ?? ''

  // Tencent's free-text messages can echo the number; the provider must not pass them on.
  switch (scenario) {
    case 'ok':
      return reply(res, 200, statusBody(phone, 'Ok', 'send success'))
    case 'daily-limit':
      return reply(res, 200, statusBody(phone, 'LimitExceeded.PhoneNumberDailyLimit', `daily limit reached for ${phone}`))
    case 'bad-number':
      return reply(res, 200, statusBody(phone, 'InvalidParameterValue.IncorrectPhoneNumber', `invalid number ${phone}`))
    case 'internal-error':
      return reply(res, 200, errorBody('InternalError.Timeout', `timeout sending to ${phone}`))
    case 'rate-limited':
      return reply(res, 200, errorBody('RequestLimitExceeded', 'too many requests'))
    case 'template-error':
      return reply(
        res,
        200,
        errorBody('FailedOperation.TemplateIncorrectOrUnapproved', `bad params ${JSON.stringify(body.TemplateParamSet)}`),
      )
    case 'bad-gateway':
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>')
      return
  }
}

function baseSettings(url: string): TencentSmsSettings {
  return {
    secretId: STAND_IN_SECRET_ID,
    secretKey: STAND_IN_SECRET_KEY,
    sdkAppId: '1400006666',
    signName: '继续教育平台',
    templateIds: { register: '2001', reset_password: '2002', bind_phone: '2003' },
    region: 'ap-guangzhou',
    endpoint: url,
  }
}

async function sendError(promise: Promise<void>): Promise<SmsSendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SmsSendError)
  const smsError = error as SmsSendError
  // Nothing sensitive anywhere in what a caller might log.
  const visible = [smsError.message, String(smsError), smsError.stack ?? '', JSON.stringify(smsError)].join('\n')
  for (const secret of [PHONE, CODE, STAND_IN_SECRET_KEY]) expect(visible).not.toContain(secret)
  return smsError
}

describe('Tencent SMS provider against a local stand-in', () => {
  const output: string[] = []

  beforeAll(async () => {
    server = createServer((req, res) => void handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  beforeEach(() => {
    scenario = 'ok'
    received.length = 0
    output.length = 0
    // The provider must not log at all; capture every console method and raw stdout/stderr writes.
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')))
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream)
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
        output.push(String(chunk))
        return write(chunk as string, ...rest)
      }) as typeof stream.write)
    }
  })
  afterEach(() => {
    vi.restoreAllMocks()
    for (const line of output) {
      expect(line).not.toContain(PHONE)
      expect(line).not.toContain(CODE)
    }
  })

  const send = (purpose: SmsPurpose = 'register', settings = baseSettings(endpoint), timeoutMs?: number) =>
    createTencentSmsProvider(settings, timeoutMs === undefined ? {} : { timeoutMs }).sendVerificationCode({
      phone: PHONE,
      code: CODE,
      purpose,
      ttlMinutes: 5,
    })

  it('sends a signed SendSms the stand-in accepts, with the template for each purpose', async () => {
    const expected: Record<SmsPurpose, string> = { register: '2001', reset_password: '2002', bind_phone: '2003' }
    for (const purpose of Object.keys(expected) as SmsPurpose[]) {
      await send(purpose)
      expect(received.at(-1)?.body).toEqual({
        PhoneNumberSet: [`+86${PHONE}`],
        SmsSdkAppId: '1400006666',
        SignName: '继续教育平台',
        TemplateId: expected[purpose],
        TemplateParamSet: [CODE, '5'],
      })
    }
    const headers = received[0]!.headers
    expect(headers['content-type']).toBe('application/json; charset=utf-8')
    expect(headers.host).toBe(new URL(endpoint).host)
    expect(output).toEqual([])
  })

  it('reports a signature the stand-in rejects as AuthFailure.SignatureFailure', async () => {
    const error = await sendError(send('register', { ...baseSettings(endpoint), secretKey: 'wrong-key' }))
    expect(error.providerCode).toBe('AuthFailure.SignatureFailure')
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(/^Tencent SMS error AuthFailure\.SignatureFailure \(RequestId [0-9a-f-]+\)$/)
    expect(received).toHaveLength(0)
  })

  it('turns a per-number status code into a non-retryable error without the echoed number', async () => {
    scenario = 'daily-limit'
    const limit = await sendError(send())
    expect(limit.providerCode).toBe('LimitExceeded.PhoneNumberDailyLimit')
    expect(limit.retryable).toBe(false)
    expect(limit.message).toContain('LimitExceeded.PhoneNumberDailyLimit')

    scenario = 'bad-number'
    const bad = await sendError(send())
    expect(bad.providerCode).toBe('InvalidParameterValue.IncorrectPhoneNumber')
    expect(bad.retryable).toBe(false)
  })

  it('classifies Response.Error codes: InternalError/RequestLimitExceeded retryable, others not', async () => {
    scenario = 'internal-error'
    expect(await sendError(send())).toMatchObject({ providerCode: 'InternalError.Timeout', retryable: true })
    scenario = 'rate-limited'
    expect(await sendError(send())).toMatchObject({ providerCode: 'RequestLimitExceeded', retryable: true })
    scenario = 'template-error'
    expect(await sendError(send())).toMatchObject({
      providerCode: 'FailedOperation.TemplateIncorrectOrUnapproved',
      retryable: false,
    })
  })

  it('treats a non-JSON 5xx as retryable', async () => {
    scenario = 'bad-gateway'
    const error = await sendError(send())
    expect(error).toMatchObject({ providerCode: undefined, retryable: true })
    expect(error.message).toContain('HTTP 502')
  })

  it('times out a request that never gets an answer, as retryable', async () => {
    scenario = 'hang'
    expect(await sendError(send('register', baseSettings(endpoint), 200))).toMatchObject({
      providerCode: 'Timeout',
      retryable: true,
    })
  })

  it('reports an unreachable endpoint as a retryable network error', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await sendError(send('register', baseSettings(url)))
    expect(error).toMatchObject({ providerCode: 'NetworkError', retryable: true })
    expect(error.message).toBe('Tencent SMS request failed (ECONNREFUSED)')
  })

  it('rejects a phone that is not an 11-digit mainland number before calling Tencent', async () => {
    const provider = createTencentSmsProvider(baseSettings(endpoint))
    const error: unknown = await provider
      .sendVerificationCode({ phone: '+8613800138000', code: CODE, purpose: 'register', ttlMinutes: 5 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'SmsSendError', providerCode: 'InvalidPhone', retryable: false })
    expect((error as Error).message).not.toContain('138')
    expect(received).toHaveLength(0)
  })
})
