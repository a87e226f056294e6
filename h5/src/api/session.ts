import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios'
import { ErrorCode } from '@app/shared/error-codes'
import { isApiError, type ApiError } from './api-error.ts'
import { toApiError } from './to-api-error.ts'

// The signed-in session on the client: the bearer token on every request, and one silent refresh
// (then a replay) when the server answers 401 to a token that a fresh one can cure.

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
const REFRESHABLE_CODES = [
  ErrorCode.SESSION_EXPIRED,
  ErrorCode.UNAUTHORIZED,
  ErrorCode.SESSION_ENDED_PASSWORD_CHANGED,
  ErrorCode.SESSION_ENDED_PASSWORD_RESET_BY_STAFF,
  ErrorCode.SESSION_ENDED_WECHAT_UNBOUND,
] as const

function bearerOf(config: InternalAxiosRequestConfig | undefined): string | null {
  const value: unknown = config?.headers.Authorization
  return typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : null
}

/**
 * Adds the session's interceptors to an axios instance. Until a bridge is attached, requests go
 * out without a token and a 401 is final.
 */
export function installSession(instance: AxiosInstance): { attach(bridge: SessionBridge): void } {
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
    if (isApiError(apiError, ErrorCode.PASSWORD_CHANGE_REQUIRED)) bridge?.passwordChangeRequired?.()
    if (isApiError(apiError, ErrorCode.CONSENT_REQUIRED)) bridge?.consentRequired?.()
    if (
      !bridge ||
      !config ||
      config.skipSession ||
      config.sessionReplayed ||
      apiError.status !== 401 ||
      !isApiError(apiError, ...REFRESHABLE_CODES)
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
    attach(bridge) {
      session = bridge
    },
  }
}
