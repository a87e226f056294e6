import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosRequestConfig,
  type CreateAxiosDefaults,
  type InternalAxiosRequestConfig,
} from 'axios'
import type { ErrorBody } from '@app/shared/errors'
import type { ErrorCode } from '@app/shared/error-codes'

/** Failures that never reached the server's error handler, so the server has no code for them. */
export const ClientErrorCode = {
  NETWORK_ERROR: 'NETWORK_ERROR',
  TIMEOUT: 'TIMEOUT',
  CANCELED: 'CANCELED',
  /** A non-2xx answer without our ErrorBody (a proxy's error page, say) and no better-known code. */
  HTTP_ERROR: 'HTTP_ERROR',
  UNKNOWN: 'UNKNOWN',
} as const
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode]

/**
 * A code the H5 knows how to branch on. A newer server may send codes this build has never heard
 * of; they are passed through as plain strings rather than dropped.
 */
export type ApiErrorCode = ErrorCode | ClientErrorCode | (string & {})

/** Every failed request rejects with this, whatever went wrong underneath. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  /** HTTP status, or 0 when no answer arrived (network down, timeout, cancelled). */
  readonly status: number
  readonly code: ApiErrorCode
  /** The server's request id, to quote to customer service. */
  readonly requestId?: string
  /** For "too many attempts" answers: seconds until trying again makes sense. */
  readonly retryAfterSeconds?: number

  constructor(init: { status: number; code: ApiErrorCode; message: string; requestId?: string; retryAfterSeconds?: number }) {
    super(init.message)
    this.status = init.status
    this.code = init.code
    if (init.requestId !== undefined) this.requestId = init.requestId
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds
  }
}

/** A code this build knows: the server's (shared) and the client's own. */
export type KnownErrorCode = ErrorCode | ClientErrorCode

/**
 * Whether a failure is an ApiError; given codes, whether it is one carrying any of them. Codes are
 * the shared constants (`ErrorCode.X` from `@app/shared/error-codes`, TypeBox-free, and
 * `ClientErrorCode.X`), or literals of their type: a misspelt code does not compile.
 * (With codes the answer is a plain boolean: "not this code" must not narrow the value away.)
 */
export function isApiError(value: unknown): value is ApiError
export function isApiError(value: unknown, ...codes: [KnownErrorCode, ...KnownErrorCode[]]): boolean
export function isApiError(value: unknown, ...codes: readonly KnownErrorCode[]): boolean {
  return value instanceof ApiError && (codes.length === 0 || (codes as readonly string[]).includes(value.code))
}

// Chinese copy shown to learners. Partial on purpose: a code added on the server before the H5
// learns about it falls back to the server's own message instead of breaking the build.
const MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
  TIMEOUT: '请求超时，请稍后重试',
  CANCELED: '请求已取消',
  UNKNOWN: '出现未知错误，请稍后重试',
  VALIDATION_FAILED: '提交的信息有误，请检查后重试',
  NOT_FOUND: '请求的内容不存在',
  ROUTE_NOT_FOUND: '请求的内容不存在',
  UNAUTHORIZED: '登录已失效，请重新登录',
  FORBIDDEN: '没有权限进行此操作',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  UNSUPPORTED_MEDIA_TYPE: '请求格式不受支持，请刷新页面后重试',
  INTERNAL: '服务器开小差了，请稍后重试',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后重试',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后重试',
  PROJECT_NOT_FOUND: '培训项目不存在或已下架',
  COURSE_NOT_FOUND: '课程不存在或已下架',
  JSSDK_URL_NOT_ALLOWED: '当前页面地址未获授权，请从公众号菜单重新进入',
}

/** When an answer carries no ErrorBody, its status still says roughly what happened. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
}

function messageFor(code: string): string | undefined {
  return (MESSAGES as Partial<Record<string, string>>)[code]
}

function isErrorBody(data: unknown): data is ErrorBody {
  if (typeof data !== 'object' || data === null) return false
  const body = data as Record<string, unknown>
  return typeof body.code === 'string' && body.code !== '' && typeof body.message === 'string'
}

function headerRequestId(error: AxiosError): string | undefined {
  const value: unknown = error.response?.headers['x-request-id']
  return typeof value === 'string' && value !== '' ? value : undefined
}

// Axios reports a lost connection differently per adapter: ERR_NETWORK from XHR in the webview,
// the socket's errno code from Node's http adapter (the unit tests run there).
const NETWORK_CODES = new Set([
  'ERR_NETWORK',
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

function fromAxiosError(error: AxiosError): ApiError {
  const response = error.response
  if (response) {
    const { status, data } = response
    if (isErrorBody(data)) {
      return new ApiError({
        status,
        code: data.code,
        message: messageFor(data.code) ?? data.message,
        requestId: typeof data.requestId === 'string' && data.requestId !== '' ? data.requestId : headerRequestId(error),
        ...(typeof data.retryAfterSeconds === 'number' ? { retryAfterSeconds: data.retryAfterSeconds } : {}),
      })
    }
    const requestId = headerRequestId(error)
    if (status >= 500) {
      return new ApiError({ status, code: 'SERVICE_UNAVAILABLE', message: MESSAGES.SERVICE_UNAVAILABLE ?? '', requestId })
    }
    const code = CODE_BY_STATUS[status]
    if (code) return new ApiError({ status, code, message: messageFor(code) ?? '', requestId })
    return new ApiError({ status, code: 'HTTP_ERROR', message: `请求失败（${status}），请稍后重试`, requestId })
  }

  if (error.code === AxiosError.ERR_CANCELED) {
    return new ApiError({ status: 0, code: 'CANCELED', message: MESSAGES.CANCELED ?? '' })
  }
  // With clarifyTimeoutError axios reports its own timeout as ETIMEDOUT; ECONNABORTED also covers a
  // request the webview aborted, which is only a timeout when axios says so in the message.
  if (
    error.code === AxiosError.ETIMEDOUT ||
    (error.code === AxiosError.ECONNABORTED && /timeout/i.test(error.message))
  ) {
    return new ApiError({ status: 0, code: 'TIMEOUT', message: MESSAGES.TIMEOUT ?? '' })
  }
  if ((error.code !== undefined && NETWORK_CODES.has(error.code)) || error.request !== undefined) {
    return new ApiError({ status: 0, code: 'NETWORK_ERROR', message: MESSAGES.NETWORK_ERROR ?? '' })
  }
  return new ApiError({ status: 0, code: 'UNKNOWN', message: MESSAGES.UNKNOWN ?? '' })
}

/** Turns anything a request can throw into an ApiError; views and stores only ever see this type. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (axios.isAxiosError(error)) return fromAxiosError(error)
  return new ApiError({ status: 0, code: 'UNKNOWN', message: MESSAGES.UNKNOWN ?? '' })
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Sign-in endpoints (login, register, refresh, logout, reset, SMS) run outside the session: no
     * bearer header, no waiting for a refresh in flight (the refresh itself is one of them) and no
     * refresh-and-replay on 401 (a wrong password is a 401 too).
     */
    skipSession?: boolean
    /** Set on the one replay after a silent refresh, so a second 401 is final. */
    sessionReplayed?: boolean
  }
}

/**
 * How the client reaches the signed-in session without importing the store (which imports the
 * API modules): main.ts attaches the auth store's side of it once Pinia exists.
 */
export interface SessionBridge {
  /** The access token held in memory, or null when signed out. */
  accessToken(): string | null
  /** Resolves once a refresh in flight (app start, another request's 401) has settled. */
  settled(): Promise<void>
  /** A silent refresh with the httpOnly cookie: the new access token, or rejects with an ApiError. */
  refresh(): Promise<string>
  /** The refresh failed for good: forget the session (and leave a page that needs it). */
  sessionLost(error: ApiError): void
  /** The server refused a request until the account's initial password is changed (403 PASSWORD_CHANGE_REQUIRED). */
  passwordChangeRequired?(): void
  /** The server refused a request until the current 隐私政策 is agreed (403 CONSENT_REQUIRED). */
  consentRequired?(): void
}

/**
 * 401s that a fresh access token can cure; anything else (a wrong password, say) is final. A
 * session another action ended is among them: the cookie may belong to a newer sign-in of this
 * browser, and if not, the refresh's own 401 says why the session ended.
 */
const REFRESHABLE_CODES = new Set<string>([
  'SESSION_EXPIRED',
  'UNAUTHORIZED',
  'SESSION_ENDED_PASSWORD_CHANGED',
  'SESSION_ENDED_PASSWORD_RESET_BY_STAFF',
  'SESSION_ENDED_WECHAT_UNBOUND',
] satisfies ErrorCode[])

export interface Http {
  readonly instance: AxiosInstance
  /** Connects the client to the session; until then requests go out without a token. */
  attachSession(bridge: SessionBridge): void
  get<T>(url: string, config?: AxiosRequestConfig): Promise<T>
  post<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T>
  put<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T>
  delete<T>(url: string, config?: AxiosRequestConfig): Promise<T>
}

function bearerOf(config: InternalAxiosRequestConfig | undefined): string | null {
  const value: unknown = config?.headers.Authorization
  return typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : null
}

/** Builds a client; the app uses the single `http` below, tests build their own against a local server. */
export function createHttp(defaults: CreateAxiosDefaults = {}): Http {
  const instance = axios.create({
    baseURL: '/api',
    timeout: 15_000,
    headers: { Accept: 'application/json' },
    transitional: { clarifyTimeoutError: true },
    // Real statuses carry errors (never "200 with an error inside"), so axios' default of
    // rejecting non-2xx is exactly the one error channel we want.
    ...defaults,
  })
  let session: SessionBridge | undefined
  // One refresh for every request that hit a 401 at the same moment: the server rotates the
  // refresh token on each use, so parallel refreshes would race each other (409 or worse).
  let refreshing: Promise<string> | undefined

  function refreshOnce(bridge: SessionBridge): Promise<string> {
    refreshing ??= bridge
      .refresh()
      .catch((error: unknown) => {
        const failure = toApiError(error)
        // Only the server saying the session is over ends it (once, however many requests were
        // waiting); a dropped network keeps it for later.
        if (failure.status === 401) bridge.sessionLost(failure)
        throw failure
      })
      .finally(() => {
        refreshing = undefined
      })
    return refreshing
  }

  instance.interceptors.request.use(async (config) => {
    if (!session || config.skipSession) return config
    // A request sent while the session is being restored or refreshed waits for the new token
    // instead of going out with none (or the expired one) and failing.
    await session.settled()
    const token = session.accessToken()
    if (token) config.headers.set('Authorization', `Bearer ${token}`)
    else config.headers.delete('Authorization')
    return config
  })

  instance.interceptors.response.use(undefined, async (error: unknown) => {
    const apiError = toApiError(error)
    const config = axios.isAxiosError(error) ? error.config : undefined
    const bridge = session
    if (apiError.code === 'PASSWORD_CHANGE_REQUIRED') bridge?.passwordChangeRequired?.()
    if (apiError.code === 'CONSENT_REQUIRED') bridge?.consentRequired?.()
    if (
      !bridge ||
      !config ||
      config.skipSession ||
      config.sessionReplayed ||
      apiError.status !== 401 ||
      !REFRESHABLE_CODES.has(apiError.code)
    ) {
      throw apiError
    }
    const sent = bearerOf(config)
    const current = bridge.accessToken()
    // Another request already refreshed while this one was in flight: just replay with its token.
    if (!(current && current !== sent)) {
      try {
        await refreshOnce(bridge)
      } catch (refreshError) {
        const refreshFailure = toApiError(refreshError)
        // Signed out for good: the request's own 401 is the answer; otherwise say what failed.
        throw refreshFailure.status === 401 ? apiError : refreshFailure
      }
    }
    return instance.request({ ...config, sessionReplayed: true })
  })

  return {
    instance,
    attachSession(bridge) {
      session = bridge
    },
    get: async <T>(url: string, config?: AxiosRequestConfig) => (await instance.get<T>(url, config)).data,
    post: async <T>(url: string, body?: unknown, config?: AxiosRequestConfig) =>
      (await instance.post<T>(url, body, config)).data,
    put: async <T>(url: string, body?: unknown, config?: AxiosRequestConfig) =>
      (await instance.put<T>(url, body, config)).data,
    delete: async <T>(url: string, config?: AxiosRequestConfig) => (await instance.delete<T>(url, config)).data,
  }
}

export const http = createHttp()
