import type { ErrorCode } from '@app/shared/error-codes'
import { session } from '../session'

/** A failed request: the server's code (shared/src/error-codes.ts) and its Chinese message. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR' | (string & {}),
    message: string,
  ) {
    super(message)
  }
}

export function isApiError(value: unknown, ...codes: (ErrorCode | 'NETWORK_ERROR')[]): value is ApiError {
  return value instanceof ApiError && (codes.length === 0 || (codes as string[]).includes(value.code))
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
type Query = Record<string, string | number | undefined>

async function send<T>(method: Method, path: string, body: unknown, query: Query | undefined): Promise<T> {
  const url = new URL(`/api/staff${path}`, window.location.origin)
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value))
  const headers: Record<string, string> = {}
  if (session.token) headers.authorization = `Bearer ${session.token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试')
  }
  if (res.status === 204) return undefined as T
  const data = (await res.json().catch(() => null)) as { code?: string; message?: string } | null
  if (!res.ok) throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `请求失败（${res.status}）`)
  return data as T
}

/**
 * Every console request. A session idle for 15 minutes answers 401 STAFF_SESSION_LOCKED: the
 * request waits while the lock screen asks for the password and a code, then is sent again, so
 * the page and what was typed on it stay as they were. A session that has ended signs out.
 */
export async function request<T>(method: Method, path: string, body?: unknown, query?: Query): Promise<T> {
  for (;;) {
    try {
      return await send<T>(method, path, body, query)
    } catch (error) {
      if (isApiError(error, 'STAFF_SESSION_LOCKED') && session.token) {
        await session.waitForUnlock()
        continue
      }
      if (isApiError(error, 'STAFF_UNAUTHORIZED') && session.token) session.signedOut('登录已失效，请重新登录')
      if (isApiError(error, 'STAFF_PASSWORD_CHANGE_REQUIRED') && session.staff) session.staff.mustChangePassword = true
      throw error
    }
  }
}

/** Requests of the sign-in and lock screens themselves: never wait for the lock screen. */
export const sendDirect = send
