import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AxiosError } from 'axios'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '@app/shared/error-codes'
import { ApiError, ClientErrorCode, createHttp, http, isApiError, toApiError, type Http } from './http.ts'

// A real HTTP server on loopback, so the mapping is tested against what axios actually produces
// for each failure rather than against hand-built error objects.
type Handler = (req: IncomingMessage, res: ServerResponse) => void

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

const routes: Record<string, Handler> = {
  '/api/ok': json(200, { hello: '世界' }),
  '/api/project-missing': json(404, {
    statusCode: 404,
    code: 'PROJECT_NOT_FOUND',
    error: 'Not Found',
    message: 'Project 9 not found',
    requestId: 'req-404',
  }),
  '/api/internal': json(500, {
    statusCode: 500,
    code: 'INTERNAL',
    error: 'Internal Server Error',
    message: 'Internal Server Error',
    requestId: 'req-500',
  }),
  '/api/unknown-code': json(409, {
    statusCode: 409,
    code: 'ORDER_ALREADY_PAID',
    error: 'Conflict',
    message: '该订单已支付',
    requestId: 'req-409',
  }),
  '/api/bad-gateway': (_req, res) => {
    res.writeHead(502, { 'x-request-id': 'edge-1' })
    res.end()
  },
  '/api/html-503': (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/html' })
    res.end('<html><body>503 Service Temporarily Unavailable</body></html>')
  },
  '/api/plain-404': (_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end('Not Found')
  },
  '/api/teapot': (_req, res) => {
    res.writeHead(418)
    res.end()
  },
  // Never answers: the client's timeout or abort must end the request.
  '/api/hang': () => undefined,
}

let server: Server
let baseURL: string
let client: Http

beforeAll(async () => {
  server = createServer((req, res) => {
    const handler = routes[req.url ?? '']
    if (handler) handler(req, res)
    else json(404, { statusCode: 404, code: 'ROUTE_NOT_FOUND', error: 'Not Found', message: 'Route not found', requestId: 'r' })(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
  client = createHttp({ baseURL, timeout: 300 })
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError)
    return error as ApiError
  }
  throw new Error('expected the request to fail')
}

describe('the app client', () => {
  it('talks JSON to /api with a 15 s timeout', () => {
    expect(http.instance.defaults.baseURL).toBe('/api')
    expect(http.instance.defaults.timeout).toBe(15_000)
  })

  it('resolves with the body on 2xx', async () => {
    await expect(client.get('/ok')).resolves.toEqual({ hello: '世界' })
  })
})

describe('server answers with an ErrorBody', () => {
  it.each([
    ['keeps the code and request id and shows Chinese copy for a known code', '/project-missing', { status: 404, code: 'PROJECT_NOT_FOUND', message: '培训项目不存在或已下架', requestId: 'req-404' }],
    ['replaces the server message of an internal error with Chinese copy', '/internal', { status: 500, code: 'INTERNAL', message: '服务器开小差了，请稍后重试', requestId: 'req-500' }],
  ])('%s', async (_case, path, expected) => {
    expect(await failure(client.get(path))).toMatchObject(expected)
  })

  it('falls back to the server message for a code the H5 does not know yet', async () => {
    const error = await failure(client.post('/unknown-code', { a: 1 }))
    expect(error).toMatchObject({ status: 409, code: 'ORDER_ALREADY_PAID', message: '该订单已支付', requestId: 'req-409' })
  })
})

describe('answers without an ErrorBody', () => {
  it.each([
    ['maps an empty 5xx to service unavailable and keeps the proxy request id', '/bad-gateway', { status: 502, code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后重试', requestId: 'edge-1' }],
    ['maps an HTML 5xx page to service unavailable', '/html-503', { status: 503, code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后重试', requestId: undefined }],
    ['derives the code from a known 4xx status', '/plain-404', { status: 404, code: 'NOT_FOUND', message: '请求的内容不存在' }],
    ['reports any other status with the status in the copy', '/teapot', { status: 418, code: 'HTTP_ERROR', message: '请求失败（418），请稍后重试' }],
  ])('%s', async (_case, path, expected) => {
    expect(await failure(client.get(path))).toMatchObject(expected)
  })
})

describe('no answer at all', () => {
  it('maps a refused connection to NETWORK_ERROR', async () => {
    // Bind and release a port so nothing listens on it.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))

    const error = await failure(createHttp({ baseURL: `http://127.0.0.1:${port}/api` }).get('/ok'))
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试' })
  })

  it('maps the client timeout to TIMEOUT', async () => {
    const error = await failure(client.get('/hang'))
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT', message: '请求超时，请稍后重试' })
  })

  it('maps an aborted request to CANCELED, not to a failure worth a toast', async () => {
    const controller = new AbortController()
    const pending = client.get('/hang', { signal: controller.signal, timeout: 5_000 })
    setTimeout(() => controller.abort(), 20)
    const error = await failure(pending)
    expect(error).toMatchObject({ status: 0, code: 'CANCELED' })
  })
})

describe('toApiError on errors shaped like the webview XHR adapter', () => {
  it('maps ERR_NETWORK to NETWORK_ERROR', () => {
    const error = toApiError(new AxiosError('Network Error', AxiosError.ERR_NETWORK, undefined, {}))
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR', message: '网络连接失败，请检查网络后重试' })
  })

  it('maps an ECONNABORTED timeout to TIMEOUT but a plain abort to NETWORK_ERROR', () => {
    expect(toApiError(new AxiosError('timeout of 15000ms exceeded', AxiosError.ECONNABORTED, undefined, {})).code).toBe('TIMEOUT')
    expect(toApiError(new AxiosError('Request aborted', AxiosError.ECONNABORTED, undefined, {})).code).toBe('NETWORK_ERROR')
  })

  it('maps anything that is not an axios error to UNKNOWN and leaves an ApiError untouched', () => {
    expect(toApiError(new TypeError('boom'))).toMatchObject({ status: 0, code: 'UNKNOWN', message: '出现未知错误，请稍后重试' })
    const original = new ApiError({ status: 401, code: 'UNAUTHORIZED', message: '登录已失效，请重新登录' })
    expect(toApiError(original)).toBe(original)
  })
})

describe('isApiError with codes', () => {
  it('tells a failure by its shared code, and anything else apart', async () => {
    const notFound = await client.get('/project-missing').catch((e: unknown) => e)
    expect(isApiError(notFound, ErrorCode.PROJECT_NOT_FOUND)).toBe(true)
    expect(isApiError(notFound, ErrorCode.ORDER_NOT_FOUND, ErrorCode.PROJECT_NOT_FOUND)).toBe(true)
    expect(isApiError(notFound, ErrorCode.ORDER_NOT_FOUND)).toBe(false)
    expect(isApiError(notFound, ClientErrorCode.CANCELED)).toBe(false)
    expect(isApiError(new Error('PROJECT_NOT_FOUND'), ErrorCode.PROJECT_NOT_FOUND)).toBe(false)
    expect(isApiError(undefined, ErrorCode.PROJECT_NOT_FOUND)).toBe(false)
  })
})
