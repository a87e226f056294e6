import type { ProgressAck, ProgressReportBody } from '@app/shared/learning'
import { toApiError, type ApiError } from './http.ts'
import { isPlaybackLost, sendProgressReport } from './learning.ts'
import { browserStorage, createReportBacklog, type ReportStorage } from './progress-report-backlog.ts'
import { defaultBackoffMs, isFinalForReport } from './progress-report-retry.ts'

// LRN-7: progress is never lost. A plain queue (no Vue): the player's composable subscribes to it.
// Every report is stored (progress-report-backlog.ts) before it is sent and is removed only once
// the server has acknowledged it (reports are idempotent by session and seq, so sending one twice
// is harmless) or refused it for a reason that will never change. Reports left in storage go out
// in order, one at a time, when the page (or the network) comes back.

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

export function createReportQueue(options: ReportQueueOptions): ReportQueue {
  const { send } = options
  const backoffMs = options.backoffMs ?? defaultBackoffMs
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms))
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>))
  const backlog = createReportBacklog(options.storage, options.now ?? (() => Date.now()))
  const listeners = new Set<(event: ReportQueueEvent) => void>()
  let flushing: Promise<void> | undefined
  let attempt = 0
  let timer: unknown
  let disposed = false

  function emit(event: ReportQueueEvent): void {
    for (const listener of [...listeners]) listener(event)
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
      const item = backlog.next()
      if (!item) {
        attempt = 0
        emit({ type: 'drained' })
        return
      }
      const { entry, report } = item
      try {
        const ack = await send(entry.sessionId, report)
        attempt = 0
        backlog.remove(entry, report.seq)
        emit({ type: 'ack', sessionId: entry.sessionId, report, ack })
      } catch (caught) {
        const error = toApiError(caught)
        // The server will refuse every later report of a lost session too: stop sending them.
        if (isPlaybackLost(error)) {
          emit({ type: 'rejected', sessionId: entry.sessionId, error, dropped: backlog.drop(entry) })
        } else if (isFinalForReport(error)) {
          // A report the server can never accept (malformed, say) must not block the ones behind it.
          backlog.remove(entry, report.seq)
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

  return {
    enqueue(sessionId, report) {
      backlog.add(sessionId, report)
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
    pending: (sessionId) => backlog.pending(sessionId),
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
