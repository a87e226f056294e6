import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ApiError, createHttp, type Http, type SessionBridge } from './http.ts'

// The session half of the client against a real loopback server: bearer header, one silent
// refresh for any number of 401s at once, replay, and giving up cleanly.

const VALID_TOKEN = 'fresh-token'
let server: Server
let baseURL: string
/** What reached the server: path, Authorization header and body of each request. */
let seen: { url: string; authorization: string | undefined; body: string }[]

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

const unauthorized = (code: string, message: string) => ({ statusCode: 401, code, error: 'Unauthorized', message, requestId: 'r' })

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body })
  if (req.url === '/api/login') return send(res, 401, unauthorized('INVALID_CREDENTIALS', '用户名或密码错误'))
  if (req.url === '/api/always-401') return send(res, 401, unauthorized('SESSION_EXPIRED', '登录已过期，请重新登录'))
  if (req.url === '/api/orders-before-password-change') {
    return send(res, 403, { statusCode: 403, code: 'PASSWORD_CHANGE_REQUIRED', error: 'Forbidden', message: '请先修改初始密码，再继续使用', requestId: 'r' })
  }
  if (req.url === '/api/echo' || req.url === '/api/me') {
    if (req.headers.authorization !== `Bearer ${VALID_TOKEN}`) {
      return send(res, 401, unauthorized(req.headers.authorization ? 'SESSION_EXPIRED' : 'UNAUTHORIZED', '请先登录'))
    }
    return send(res, 200, { ok: true, body: body === '' ? null : (JSON.parse(body) as unknown) })
  }
  send(res, 404, { statusCode: 404, code: 'ROUTE_NOT_FOUND', error: 'Not Found', message: 'nope', requestId: 'r' })
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => handle(req, res, body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

beforeEach(() => {
  seen = []
})

interface FakeSession extends SessionBridge {
  token: string | null
  refreshCalls: number
  lost: ApiError[]
}

/** A session whose refresh takes a moment and then yields `outcome` (a token or an error). */
function fakeSession(initial: string | null, outcome: () => string | ApiError): FakeSession {
  const session: FakeSession = {
    token: initial,
    refreshCalls: 0,
    lost: [],
    accessToken: () => session.token,
    settled: () => Promise.resolve(),
    refresh: async () => {
      session.refreshCalls += 1
      await new Promise((resolve) => setTimeout(resolve, 30))
      const result = outcome()
      if (result instanceof ApiError) throw result
      session.token = result
      return result
    },
    sessionLost: (error) => {
      session.lost.push(error)
      session.token = null
    },
  }
  return session
}

function client(session: SessionBridge): Http {
  const http = createHttp({ baseURL, timeout: 2_000 })
  http.attachSession(session)
  return http
}

const expired = () => new ApiError({ status: 401, code: 'SESSION_EXPIRED', message: '登录已过期，请重新登录' })

describe('the bearer token', () => {
  it('is attached from the session to every request', async () => {
    const http = client(fakeSession(VALID_TOKEN, () => VALID_TOKEN))
    await expect(http.get('/echo')).resolves.toEqual({ ok: true, body: null })
    expect(seen[0]?.authorization).toBe(`Bearer ${VALID_TOKEN}`)
  })

  it('is left off sign-in requests (skipSession), and their 401 is final', async () => {
    const session = fakeSession('stale', () => VALID_TOKEN)
    const http = client(session)
    await expect(http.post('/login', { account: 'a', password: 'b' }, { skipSession: true })).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
      message: '用户名或密码错误',
    })
    expect(seen[0]?.authorization).toBeUndefined()
    expect(session.refreshCalls).toBe(0)
  })

  it('waits for a refresh in flight before a request goes out', async () => {
    let release: () => void = () => undefined
    const session = fakeSession(null, () => VALID_TOKEN)
    session.settled = () => new Promise<void>((resolve) => (release = resolve))
    const http = client(session)
    const pending = http.get('/echo')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(seen).toHaveLength(0)
    session.token = VALID_TOKEN
    release()
    await expect(pending).resolves.toMatchObject({ ok: true })
    expect(seen[0]?.authorization).toBe(`Bearer ${VALID_TOKEN}`)
  })
})

describe('a 401 from an expired access token', () => {
  it('refreshes once for concurrent requests and replays each of them, bodies included', async () => {
    const session = fakeSession('stale', () => VALID_TOKEN)
    const http = client(session)
    const results = await Promise.all([
      http.get('/echo'),
      http.post('/echo', { n: 2, 名: '张三' }),
      http.put('/echo', { n: 3 }),
      http.get('/me'),
    ])
    expect(results).toEqual([
      { ok: true, body: null },
      { ok: true, body: { n: 2, 名: '张三' } },
      { ok: true, body: { n: 3 } },
      { ok: true, body: null },
    ])
    expect(session.refreshCalls).toBe(1)
    expect(session.lost).toEqual([])
    // Four failed attempts with the stale token, four replays with the fresh one.
    expect(seen.filter((r) => r.authorization === 'Bearer stale')).toHaveLength(4)
    expect(seen.filter((r) => r.authorization === `Bearer ${VALID_TOKEN}`)).toHaveLength(4)
  })

  it('also refreshes a request sent without any token (UNAUTHORIZED)', async () => {
    const session = fakeSession(null, () => VALID_TOKEN)
    await expect(client(session).get('/me')).resolves.toMatchObject({ ok: true })
    expect(session.refreshCalls).toBe(1)
  })

  it('replays without refreshing again when another request already brought a new token', async () => {
    const session = fakeSession('stale', () => VALID_TOKEN)
    const http = client(session)
    await http.get('/echo')
    // A request that left with the stale token but fails after the refresh finished.
    session.token = 'stale'
    const late = http.instance.get('/echo')
    session.token = VALID_TOKEN
    await expect(late).resolves.toMatchObject({ status: 200 })
    expect(session.refreshCalls).toBe(1)
  })

  it('ends the session once and rejects every request when the refresh is refused', async () => {
    const session = fakeSession('stale', expired)
    const http = client(session)
    const outcomes = await Promise.allSettled([http.get('/echo'), http.get('/me')])
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ status: 401, code: 'SESSION_EXPIRED' })
    }
    expect(session.refreshCalls).toBe(1)
    expect(session.lost).toHaveLength(1)
    expect(session.lost[0]?.code).toBe('SESSION_EXPIRED')
  })

  it('keeps the session when the refresh failed for lack of network, and says so', async () => {
    const session = fakeSession('stale', () => new ApiError({ status: 0, code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试' }))
    await expect(client(session).get('/echo')).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    expect(session.lost).toEqual([])
  })

  it('replays only once: a second 401 is final, without a refresh loop', async () => {
    const session = fakeSession('stale', () => VALID_TOKEN)
    await expect(client(session).get('/always-401')).rejects.toMatchObject({ status: 401, code: 'SESSION_EXPIRED' })
    expect(session.refreshCalls).toBe(1)
    expect(seen).toHaveLength(2)
  })

  it('does nothing special before a session is attached', async () => {
    const http = createHttp({ baseURL, timeout: 2_000 })
    await expect(http.get('/me')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' })
    expect(seen).toHaveLength(1)
  })
})

describe('an account that must still change its initial password', () => {
  it('is handed to the session (which opens 修改密码) and the request fails with the server’s message, without a refresh', async () => {
    const session = fakeSession(VALID_TOKEN, () => VALID_TOKEN)
    let told = 0
    const http = client({ ...session, passwordChangeRequired: () => (told += 1) })
    await expect(http.get('/orders-before-password-change')).rejects.toMatchObject({ status: 403, code: 'PASSWORD_CHANGE_REQUIRED', message: '请先修改初始密码，再继续使用' })
    expect(told).toBe(1)
    expect(session.refreshCalls).toBe(0)
  })
})
