import axios, { type AxiosInstance, type AxiosRequestConfig, type CreateAxiosDefaults } from 'axios'
import { installSession, type SessionBridge } from './session.ts'

// The API client, and the API layer's one import for the rest of the app: the error type and its
// code check (api-error.ts), the translation of failures (to-api-error.ts) and the session's
// bridge (session.ts) are re-exported here.
export { ApiError, ClientErrorCode, isApiError, type ApiErrorCode, type KnownErrorCode } from './api-error.ts'
export { toApiError } from './to-api-error.ts'
export type { SessionBridge } from './session.ts'

export interface Http {
  readonly instance: AxiosInstance
  /** Connects the client to the session; until then requests go out without a token. */
  attachSession(bridge: SessionBridge): void
  get<T>(url: string, config?: AxiosRequestConfig): Promise<T>
  post<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T>
  put<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T>
  delete<T>(url: string, config?: AxiosRequestConfig): Promise<T>
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
  const session = installSession(instance)

  return {
    instance,
    attachSession: (bridge) => session.attach(bridge),
    get: async <T>(url: string, config?: AxiosRequestConfig) => (await instance.get<T>(url, config)).data,
    post: async <T>(url: string, body?: unknown, config?: AxiosRequestConfig) =>
      (await instance.post<T>(url, body, config)).data,
    put: async <T>(url: string, body?: unknown, config?: AxiosRequestConfig) =>
      (await instance.put<T>(url, body, config)).data,
    delete: async <T>(url: string, config?: AxiosRequestConfig) => (await instance.delete<T>(url, config)).data,
  }
}

export const http = createHttp()
