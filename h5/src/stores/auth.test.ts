import type { Me, Session } from '@app/shared/auth'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/http.ts'
import { SESSION_LOST_NOTICE, useAuthStore } from './auth.ts'

vi.mock('@/api/auth.ts', () => ({
  refreshSession: vi.fn(),
  login: vi.fn(),
  registerAccount: vi.fn(),
  logout: vi.fn(),
  fetchMe: vi.fn(),
}))
const api = await import('@/api/auth.ts')
const refreshSession = vi.mocked(api.refreshSession)
const logout = vi.mocked(api.logout)

const me: Me = {
  id: 1,
  realName: '张三',
  idNumberMasked: '5001**********1234',
  phoneMasked: '138****8000',
  wechatBound: false,
  certificateDataLocked: false,
  mustChangePassword: false,
  createdAt: '2025-01-01T00:00:00.000Z',
}
const session = (token: string): Session => ({ accessToken: token, expiresInSeconds: 900, user: me, wechatBoundNow: false })
const apiError = (status: number, code: string) => new ApiError({ status, code, message: code })

/** A refresh answer that arrives a little later, like a real one. */
function later<T>(value: T | Error, ms = 20): Promise<T> {
  return new Promise((resolve, reject) => setTimeout(() => (value instanceof Error ? reject(value) : resolve(value)), ms))
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
})

describe('refresh', () => {
  it('is single-flight: concurrent callers share one request and one new token', async () => {
    refreshSession.mockImplementation(() => later(session('t1')))
    const auth = useAuthStore()
    const tokens = await Promise.all([auth.refresh(), auth.refresh(), auth.refresh()])
    expect(tokens).toEqual(['t1', 't1', 't1'])
    expect(refreshSession).toHaveBeenCalledTimes(1)
    expect(auth.accessToken).toBe('t1')
    expect(auth.user).toEqual(me)
    expect(auth.signedIn).toBe(true)
    // Once settled, the next refresh is a new request.
    refreshSession.mockImplementation(() => later(session('t2')))
    await expect(auth.refresh()).resolves.toBe('t2')
    expect(refreshSession).toHaveBeenCalledTimes(2)
  })

  it('waits and retries once when another tab refreshed at the same moment (409)', async () => {
    vi.useFakeTimers()
    try {
      refreshSession.mockRejectedValueOnce(apiError(409, 'SESSION_REFRESH_CONFLICT')).mockResolvedValueOnce(session('t2'))
      const auth = useAuthStore()
      const pending = auth.refresh()
      await vi.advanceTimersByTimeAsync(299)
      expect(refreshSession).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(1)
      await expect(pending).resolves.toBe('t2')
      expect(refreshSession).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })

  /** A store signed in with token t1 by a first refresh. */
  async function signedIn() {
    refreshSession.mockResolvedValueOnce(session('t1'))
    const auth = useAuthStore()
    await auth.refresh()
    return auth
  }

  it('clears the session and rethrows on 401', async () => {
    const auth = await signedIn()
    refreshSession.mockRejectedValueOnce(apiError(401, 'SESSION_EXPIRED'))
    await expect(auth.refresh()).rejects.toMatchObject({ code: 'SESSION_EXPIRED' })
    expect(auth.accessToken).toBeNull()
    expect(auth.user).toBeNull()
  })

  it('keeps the session on a network failure and rethrows', async () => {
    const auth = await signedIn()
    refreshSession.mockRejectedValueOnce(apiError(0, 'NETWORK_ERROR'))
    await expect(auth.refresh()).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    expect(auth.accessToken).toBe('t1')
  })

  it('lets settled() wait for a refresh in flight', async () => {
    refreshSession.mockImplementation(() => later(session('t1'), 30))
    const auth = useAuthStore()
    void auth.refresh()
    await auth.settled()
    expect(auth.accessToken).toBe('t1')
  })
})

describe('restore', () => {
  it('asks the server once per page load, however often it is called', async () => {
    refreshSession.mockImplementation(() => later(session('t1')))
    const auth = useAuthStore()
    await expect(Promise.all([auth.restore(), auth.restore()])).resolves.toEqual([true, true])
    await expect(auth.restore()).resolves.toBe(true)
    expect(refreshSession).toHaveBeenCalledTimes(1)
    expect(auth.restored).toBe(true)
  })

  it('resolves false without throwing when there is no session', async () => {
    refreshSession.mockImplementation(() => later<Session>(apiError(401, 'SESSION_EXPIRED')))
    const auth = useAuthStore()
    await expect(auth.restore()).resolves.toBe(false)
    await expect(auth.restore()).resolves.toBe(false)
    expect(refreshSession).toHaveBeenCalledTimes(1)
    expect(auth.signedIn).toBe(false)
  })

  it('rejects on a network failure and tries again next time', async () => {
    refreshSession.mockRejectedValueOnce(apiError(0, 'NETWORK_ERROR')).mockResolvedValueOnce(session('t1'))
    const auth = useAuthStore()
    await expect(auth.restore()).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    expect(auth.restored).toBe(false)
    await expect(auth.restore()).resolves.toBe(true)
  })
})

describe('signOut', () => {
  it('forgets the session even when the server cannot be told', async () => {
    refreshSession.mockResolvedValueOnce(session('t1'))
    logout.mockRejectedValueOnce(apiError(0, 'NETWORK_ERROR'))
    const auth = useAuthStore()
    await auth.restore()
    await expect(auth.signOut()).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    expect(auth.signedIn).toBe(false)
  })
})

describe('endedNotice (what 登录 says about a lost session)', () => {
  const fromServer = (code: string, message: string) => new ApiError({ status: 401, code, message, requestId: 'req-1' })

  it('carries the server’s reason when another action ended the session, until the next sign-in', async () => {
    refreshSession.mockResolvedValueOnce(session('t1'))
    const auth = useAuthStore()
    await auth.restore()
    refreshSession.mockRejectedValueOnce(fromServer('SESSION_ENDED_PASSWORD_CHANGED', '您的账号已在其他设备修改密码，请重新登录'))
    await expect(auth.refresh()).rejects.toMatchObject({ status: 401 })
    expect(auth.endedNotice).toBe('您的账号已在其他设备修改密码，请重新登录')
    vi.mocked(api.login).mockResolvedValueOnce(session('t2'))
    await auth.signIn({ account: '13800008000', password: 'Chongqing2026' })
    expect(auth.endedNotice).toBeNull()
  })

  it('is the generic notice when a session this page held ended without a reason', async () => {
    refreshSession.mockResolvedValueOnce(session('t1'))
    const auth = useAuthStore()
    await auth.restore()
    refreshSession.mockRejectedValueOnce(apiError(401, 'SESSION_EXPIRED'))
    await expect(auth.refresh()).rejects.toMatchObject({ status: 401 })
    expect(auth.endedNotice).toBe(SESSION_LOST_NOTICE)
  })

  it('says nothing to a browser that simply had no session', async () => {
    // The client's own answer for "no cookie" carries no request id.
    refreshSession.mockRejectedValueOnce(apiError(401, 'SESSION_EXPIRED'))
    const auth = useAuthStore()
    await expect(auth.restore()).resolves.toBe(false)
    expect(auth.endedNotice).toBeNull()
  })

  it('gives the reason on a page load too (a cookie the server refused, saying why)', async () => {
    refreshSession.mockRejectedValueOnce(fromServer('SESSION_ENDED_WECHAT_UNBOUND', '您的账号已解除微信绑定，请使用身份证号或手机号和密码登录'))
    const auth = useAuthStore()
    await expect(auth.restore()).resolves.toBe(false)
    expect(auth.endedNotice).toBe('您的账号已解除微信绑定，请使用身份证号或手机号和密码登录')
  })
})
