import { reactive } from 'vue'
import type { StaffProfile, StaffSession } from '@app/shared/staff-console'

const STORAGE_KEY = 'staff-console-session'

interface SessionState {
  token: string | null
  staff: StaffProfile | null
  /** Shown on the sign-in page after a forced sign-out. */
  notice: string | null
  locked: boolean
  setSession(value: StaffSession): void
  signedOut(notice?: string): void
  /** Resolves once the lock screen has unlocked the session. */
  waitForUnlock(): Promise<void>
  unlocked(): void
}

let waiters: (() => void)[] = []

function restore(): { token: string; staff: StaffProfile } | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY)
    return raw ? (JSON.parse(raw) as { token: string; staff: StaffProfile }) : null
  } catch {
    return null
  }
}

const saved = restore()

/**
 * The console's session: the bearer token (kept in sessionStorage, so it lives only as long as the
 * tab) and who is signed in. The lock flag drives the lock screen over whatever page is open.
 */
export const session: SessionState = reactive({
  token: saved?.token ?? null,
  staff: saved?.staff ?? null,
  notice: null,
  locked: false,
  setSession(value: StaffSession) {
    session.token = value.token
    session.staff = value.staff
    session.notice = null
    session.locked = false
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: value.token, staff: value.staff }))
  },
  signedOut(notice?: string) {
    session.token = null
    session.staff = null
    session.locked = false
    session.notice = notice ?? null
    sessionStorage.removeItem(STORAGE_KEY)
    for (const resolve of waiters) resolve()
    waiters = []
  },
  waitForUnlock() {
    session.locked = true
    return new Promise<void>((resolve) => waiters.push(resolve))
  },
  unlocked() {
    session.locked = false
    for (const resolve of waiters) resolve()
    waiters = []
  },
}) as SessionState
