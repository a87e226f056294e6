import type { LoginBody, Me, RegisterBody, Session } from '@app/shared/auth'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import * as authApi from '@/api/auth.ts'
import { ErrorCode } from '@app/shared/error-codes'
import { isApiError } from '@/api/http.ts'

/** Another tab refreshed with the same cookie at the same moment; its new cookie arrives shortly. */
const REFRESH_CONFLICT_WAIT_MS = 300

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The server has no session for this browser (as opposed to a network failure). */
function isSignedOutAnswer(error: unknown): boolean {
  return isApiError(error) && error.status === 401
}

/** Shown on 登录 when the server ended a session and did not say why. */
export const SESSION_LOST_NOTICE = '登录已失效，请重新登录'

/**
 * What 登录 tells a learner whose session just ended: the server's own words when another action
 * ended it (修改密码 on another device, a staff reset, 解除绑定), the generic notice when a session
 * this page held, or a cookie the server refused, ended otherwise; nothing for a browser that simply
 * had no session (the no-cookie answer is made up by the client and carries no request id).
 */
function signedOutNotice(error: unknown, heldSession: boolean): string | null {
  if (isApiError(error, ErrorCode.SESSION_ENDED_PASSWORD_CHANGED, ErrorCode.SESSION_ENDED_PASSWORD_RESET_BY_STAFF, ErrorCode.SESSION_ENDED_WECHAT_UNBOUND)) {
    return (error as Error).message
  }
  return heldSession || (isApiError(error) && error.requestId !== undefined) ? SESSION_LOST_NOTICE : null
}

/**
 * The signed-in learner. The access token lives in memory only (never storage): a reload restores
 * it from the httpOnly refresh cookie with one silent refresh.
 */
export const useAuthStore = defineStore('auth', () => {
  /** Short-lived bearer token for /api calls; null when signed out. */
  const accessToken = ref<string | null>(null)
  /** The learner as /api/me describes them (masked ID number and phone). */
  const user = shallowRef<Me | null>(null)
  /** True once restore() has had a definite answer (signed in or not) in this page load. */
  const restored = ref(false)
  /** Why the session just ended under the learner's feet, for 登录 to say; null after a sign-in. */
  const endedNotice = ref<string | null>(null)
  const signedIn = computed(() => accessToken.value !== null && user.value !== null)

  let refreshing: Promise<string> | undefined
  let restoring: Promise<boolean> | undefined

  function apply(session: Session): Session {
    accessToken.value = session.accessToken
    user.value = session.user
    restored.value = true
    endedNotice.value = null
    return session
  }

  /** Forgets the session locally (the server already ended it, or is told separately). */
  function clear(): void {
    accessToken.value = null
    user.value = null
  }

  async function refreshWithRetry(): Promise<string> {
    try {
      return apply(await authApi.refreshSession()).accessToken
    } catch (error) {
      if (!isApiError(error, ErrorCode.SESSION_REFRESH_CONFLICT)) throw error
      await wait(REFRESH_CONFLICT_WAIT_MS)
      return apply(await authApi.refreshSession()).accessToken
    }
  }

  /**
   * One silent refresh with the cookie, shared by every caller at the same moment (single-flight):
   * the server rotates the refresh token on each use. Resolves with the new access token; a 401
   * clears the session and rethrows, as does any other failure (without clearing).
   */
  function refresh(): Promise<string> {
    refreshing ??= refreshWithRetry()
      .catch((error: unknown) => {
        if (isSignedOutAnswer(error)) {
          endedNotice.value = signedOutNotice(error, accessToken.value !== null) ?? endedNotice.value
          clear()
        }
        throw error
      })
      .finally(() => {
        refreshing = undefined
      })
    return refreshing
  }

  /** Resolves once a refresh or restore in flight has settled, whatever its outcome. */
  async function settled(): Promise<void> {
    await Promise.allSettled([refreshing, restoring])
  }

  /**
   * Restores the session at app start: one silent refresh, once per page load (single-flight).
   * Resolves true when signed in, false when the server has no session. A network failure rejects
   * and leaves `restored` false, so the next guarded navigation tries again.
   */
  function restore(): Promise<boolean> {
    if (restored.value) return Promise.resolve(signedIn.value)
    restoring ??= refresh()
      .then(
        () => true,
        (error: unknown) => {
          if (!isSignedOutAnswer(error)) throw error
          restored.value = true
          return false
        },
      )
      .finally(() => {
        restoring = undefined
      })
    return restoring
  }

  /** 登录 with ID number or phone + password; rethrows INVALID_CREDENTIALS and the rest. */
  async function signIn(body: LoginBody): Promise<Session> {
    return apply(await authApi.login(body))
  }

  /** 注册: creates the account and signs in. */
  async function register(body: RegisterBody): Promise<Session> {
    return apply(await authApi.registerAccount(body))
  }

  /** 退出登录: the server ends the session; locally it ends even when the network fails. */
  async function signOut(): Promise<void> {
    endedNotice.value = null
    try {
      await authApi.logout()
    } finally {
      clear()
      restored.value = true
    }
  }

  /** Reloads /api/me, e.g. after 「解除绑定」 or when 我的 opens. */
  async function reloadUser(): Promise<Me> {
    const me = await authApi.fetchMe()
    if (accessToken.value !== null) user.value = me
    return me
  }

  return { accessToken, user, restored, endedNotice, signedIn, clear, refresh, settled, restore, signIn, register, signOut, reloadUser }
})
