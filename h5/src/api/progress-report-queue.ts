import type { ProgressAck, ProgressReportBody } from '@app/shared/learning'
import { toApiError, type ApiError } from './http.ts'
import { isPlaybackLost, sendProgressReport } from './learning.ts'

// LRN-7: progress is never lost. A plain queue (no Vue): the player's composable subscribes to it. Every report is written to localStorage before it is sent and is
// removed only once the server has acknowledged it (reports are idempotent by session and seq, so
// sending one twice is harmless) or refused it for a reason that will never change. A reload, a
// webview killed in the background or a dropped network leaves the reports in storage; they go out
// in order, one at a time, when the page (or the network) comes back.

/** One key per playback session, so a session's reports can be dropped together. */
export const REPORT_STORAGE_PREFIX = 'jx.learning.reports.'
/**
 * Reports older than this are not worth keeping: the server credits nothing older than a few
 * minutes (its offline backlog), and storage must not grow for ever.
 */
export const REPORT_MAX_AGE_MS = 24 * 60 * 60_000

export type ReportStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>

interface StoredSession {
  sessionId: string
  /** Date.now() when the first report was queued: sessions are sent oldest first. */
  createdAt: number
  reports: ProgressReportBody[]
}

export type ReportQueueEvent =
  /** The server acknowledged a report; the report is gone from storage. */
  | { type: 'ack'; sessionId: string; report: ProgressReportBody; ack: ProgressAck }
  /** Refused for good: `dropped` reports of the session were removed without an answer. */
  | { type: 'rejected'; sessionId: string; error: ApiError; dropped: number }
  /** Sending failed for now (network, 5xx, signed out); the reports wait and are tried again. */
  | { type: 'retrying'; error: ApiError; delayMs: number }
  /** Everything queued has been acknowledged. */
  | { type: 'drained' }

export interface ReportQueueOptions {
  storage: ReportStorage | null
  send: (sessionId: string, report: ProgressReportBody) => Promise<ProgressAck>
  /** Delay before the n-th retry (n from 0). */
  backoffMs?: (attempt: number) => number
  now?: () => number
  setTimer?: (callback: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export interface ReportQueue {
  /** Stores the report, then sends whatever is waiting. */
  enqueue(sessionId: string, report: ProgressReportBody): void
  /** Sends everything waiting, in order; resolves when the queue is empty or a send failed for now. */
  flush(): Promise<void>
  /** The network is back (or the page visible again): try at once instead of waiting for the backoff. */
  retryNow(): Promise<void>
  /** Reports not yet acknowledged, for one session or all. */
  pending(sessionId?: string): number
  subscribe(listener: (event: ReportQueueEvent) => void): () => void
  /** Stops the retry timer (tests; the app's queue lives as long as the page). */
  dispose(): void
}

export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** attempt)
}

/** Whether a failure is final for this one report (it can never succeed) rather than worth retrying. */
function isFinalForReport(error: ApiError): boolean {
  // No answer (0), server trouble (5xx), a session to restore (401), a timeout or rate limit: later.
  if (error.status === 0 || error.status >= 500 || [401, 408, 429].includes(error.status)) return false
  return error.status >= 400
}

export function createReportQueue(options: ReportQueueOptions): ReportQueue {
  const { storage, send } = options
  const backoffMs = options.backoffMs ?? defaultBackoffMs
  const now = options.now ?? (() => Date.now())
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms))
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>))

  // Memory is the working copy; storage mirrors it. Storage may be missing or full (Safari's
  // private mode throws on setItem): the queue then still works for this page load.
  const sessions = new Map<string, StoredSession>()
  const listeners = new Set<(event: ReportQueueEvent) => void>()
  let flushing: Promise<void> | undefined
  let attempt = 0
  let timer: unknown
  let disposed = false

  function persist(entry: StoredSession): void {
    try {
      if (entry.reports.length === 0) storage?.removeItem(REPORT_STORAGE_PREFIX + entry.sessionId)
      else storage?.setItem(REPORT_STORAGE_PREFIX + entry.sessionId, JSON.stringify(entry))
    } catch {
      // Quota or private mode: keep going from memory.
    }
  }

  function isReport(value: unknown): value is ProgressReportBody {
    if (typeof value !== 'object' || value === null) return false
    const r = value as Record<string, unknown>
    return (
      typeof r.seq === 'number' &&
      typeof r.positionSeconds === 'number' &&
      typeof r.clientElapsedMs === 'number' &&
      typeof r.playing === 'boolean'
    )
  }

  function load(): void {
    if (!storage) return
    const keys: string[] = []
    try {
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i)
        if (key?.startsWith(REPORT_STORAGE_PREFIX)) keys.push(key)
      }
    } catch {
      return
    }
    for (const key of keys) {
      try {
        const parsed = JSON.parse(storage.getItem(key) ?? 'null') as Partial<StoredSession> | null
        const sessionId = key.slice(REPORT_STORAGE_PREFIX.length)
        const reports = Array.isArray(parsed?.reports) ? parsed.reports.filter(isReport) : []
        const createdAt = typeof parsed?.createdAt === 'number' ? parsed.createdAt : 0
        if (reports.length === 0 || now() - createdAt > REPORT_MAX_AGE_MS) {
          storage.removeItem(key)
          continue
        }
        sessions.set(sessionId, { sessionId, createdAt, reports: reports.sort((a, b) => a.seq - b.seq) })
      } catch {
        storage.removeItem(key)
      }
    }
  }

  function emit(event: ReportQueueEvent): void {
    for (const listener of [...listeners]) listener(event)
  }

  /** The oldest session with something to send, and its first report. */
  function next(): { entry: StoredSession; report: ProgressReportBody } | undefined {
    let oldest: StoredSession | undefined
    for (const entry of sessions.values()) {
      if (entry.reports.length === 0) continue
      if (!oldest || entry.createdAt < oldest.createdAt) oldest = entry
    }
    const report = oldest?.reports[0]
    return oldest && report ? { entry: oldest, report } : undefined
  }

  function removeReport(entry: StoredSession, seq: number): void {
    entry.reports = entry.reports.filter((r) => r.seq !== seq)
    persist(entry)
    if (entry.reports.length === 0) sessions.delete(entry.sessionId)
  }

  function dropSession(entry: StoredSession): number {
    const dropped = entry.reports.length
    entry.reports = []
    persist(entry)
    sessions.delete(entry.sessionId)
    return dropped
  }

  function scheduleRetry(error: ApiError): void {
    const delayMs = backoffMs(attempt)
    attempt += 1
    if (timer !== undefined) clearTimer(timer)
    timer = setTimer(() => {
      timer = undefined
      void flush()
    }, delayMs)
    emit({ type: 'retrying', error, delayMs })
  }

  async function run(): Promise<void> {
    for (;;) {
      if (disposed) return
      const item = next()
      if (!item) {
        attempt = 0
        emit({ type: 'drained' })
        return
      }
      const { entry, report } = item
      try {
        const ack = await send(entry.sessionId, report)
        attempt = 0
        removeReport(entry, report.seq)
        emit({ type: 'ack', sessionId: entry.sessionId, report, ack })
      } catch (caught) {
        const error = toApiError(caught)
        // The server will refuse every later report of a lost session too: stop sending them.
        if (isPlaybackLost(error)) {
          emit({ type: 'rejected', sessionId: entry.sessionId, error, dropped: dropSession(entry) })
        } else if (isFinalForReport(error)) {
          // A report the server can never accept (malformed, say) must not block the ones behind it.
          removeReport(entry, report.seq)
          emit({ type: 'rejected', sessionId: entry.sessionId, error, dropped: 1 })
        } else {
          scheduleRetry(error)
          return
        }
      }
    }
  }

  function flush(): Promise<void> {
    // One report in flight at a time: the server credits each from the previous accepted one.
    flushing ??= run().finally(() => {
      flushing = undefined
    })
    return flushing
  }

  load()

  return {
    enqueue(sessionId, report) {
      let entry = sessions.get(sessionId)
      if (!entry) {
        entry = { sessionId, createdAt: now(), reports: [] }
        sessions.set(sessionId, entry)
      }
      if (!entry.reports.some((r) => r.seq === report.seq)) {
        entry.reports.push({ ...report })
        entry.reports.sort((a, b) => a.seq - b.seq)
      }
      persist(entry)
      // A retry is already scheduled after a failure: wait for it (or for `online`) instead of
      // hammering a server that is down with every new report.
      if (timer === undefined) void flush()
    },
    flush,
    async retryNow() {
      if (timer !== undefined) clearTimer(timer)
      timer = undefined
      attempt = 0
      await flush()
    },
    pending(sessionId) {
      if (sessionId !== undefined) return sessions.get(sessionId)?.reports.length ?? 0
      let total = 0
      for (const entry of sessions.values()) total += entry.reports.length
      return total
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    dispose() {
      disposed = true
      if (timer !== undefined) clearTimer(timer)
      timer = undefined
      listeners.clear()
    },
  }
}

function browserStorage(): ReportStorage | null {
  try {
    return window.localStorage
  } catch {
    // Storage disabled by the webview's privacy settings.
    return null
  }
}

let appQueue: ReportQueue | undefined

/**
 * The page's one report queue: it outlives the player, so reports of a chapter the learner left
 * still reach the server, and it resends as soon as the network or the page comes back.
 */
export function appReportQueue(): ReportQueue {
  if (appQueue) return appQueue
  const queue = createReportQueue({ storage: browserStorage(), send: sendProgressReport })
  window.addEventListener('online', () => void queue.retryNow())
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && queue.pending() > 0) void queue.retryNow()
  })
  appQueue = queue
  return queue
}
