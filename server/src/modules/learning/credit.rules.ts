/**
 * The crediting rule of LRN-4 as a pure function (docs/learning.md). The server, not the page,
 * decides what was watched, and the server's clock is the only clock:
 *
 * - a learner is never credited more than the wall-clock time the server has seen pass: every
 *   credit is paid from the learner's credit clock (`learnerAvailableMs`: server time since the
 *   later of the last credit and the session's opening, not yet spent), shared by all sessions,
 *   devices and chapters, with nothing granted up front;
 * - per report, forward progress may not exceed the page's elapsed time since the previous
 *   accepted report plus 10 % (at most 1.5 s of jitter), nor one minute: playing faster than 1×,
 *   seeking ahead or saving up a long pause earns nothing;
 * - the page's clock is believed only as far as the server's own clock since the session opened
 *   (plus 3 s), and reports older than the offline backlog (5 min) earn nothing;
 * - credit only moves forward from the furthest credited point: rewatching earns nothing twice.
 */

export const JITTER_RATIO = 0.1
export const JITTER_MAX_MS = 1_500
/** Six report intervals: a page whose timer was throttled still gets its time, a long pause is not banked. */
export const MAX_ADVANCE_PER_REPORT_MS = 60_000
/** A page that was offline may resend reports up to this old (LRN-7). */
export const BACKLOG_MS = 5 * 60_000
/** How far the page's monotonic clock may run ahead of the server's before it is clamped. */
export const CLOCK_TOLERANCE_MS = 3_000

export interface CreditState {
  furthestMs: number
  durationMs: number
  /** Page clock at the previous accepted report of this session. */
  lastClientMs: number
  /** Server time since the session was opened. */
  sessionElapsedMs: number
  /** Server time the learner has not yet been credited for (see creditBase). */
  learnerAvailableMs: number
}

export interface CreditReport {
  positionMs: number
  clientElapsedMs: number
}

export type NoCreditReason = 'rewatch' | 'no_progress' | 'stale' | 'too_fast' | 'learner_clock'

export type CreditDecision =
  | { kind: 'credit'; creditMs: number; clientMs: number; rewindToMs: number | null }
  | { kind: 'none'; reason: NoCreditReason; clientMs: number; rewindToMs: number | null }

/** Where the learner's credit clock stands for a session: never before the session opened. */
export function creditBase(creditClockAt: Date | null, sessionOpenedAt: Date): Date {
  return creditClockAt && creditClockAt > sessionOpenedAt ? creditClockAt : sessionOpenedAt
}

export function decideCredit(state: CreditState, report: CreditReport): CreditDecision {
  const clientMs = Math.min(Math.max(report.clientElapsedMs, 0), state.sessionElapsedMs + CLOCK_TOLERANCE_MS)
  const target = Math.min(Math.max(report.positionMs, 0), state.durationMs)
  const advance = target - state.furthestMs
  const sinceLast = clientMs - state.lastClientMs

  if (clientMs < state.sessionElapsedMs - BACKLOG_MS) return { kind: 'none', reason: 'stale', clientMs, rewindToMs: null }
  if (advance <= 0) return { kind: 'none', reason: advance < 0 ? 'rewatch' : 'no_progress', clientMs, rewindToMs: null }
  const allowed = Math.min(MAX_ADVANCE_PER_REPORT_MS, sinceLast + Math.min(JITTER_MAX_MS, sinceLast * JITTER_RATIO))
  // Faster than real time (a seek ahead, 2× speed, a forged position): nothing, and back to the furthest point.
  if (sinceLast <= 0 || advance > allowed) return { kind: 'none', reason: 'too_fast', clientMs, rewindToMs: state.furthestMs }
  const creditMs = Math.min(advance, Math.max(0, state.learnerAvailableMs))
  if (creditMs <= 0) return { kind: 'none', reason: 'learner_clock', clientMs, rewindToMs: state.furthestMs }
  return { kind: 'credit', creditMs, clientMs, rewindToMs: creditMs < advance ? state.furthestMs + creditMs : null }
}

/** Whether a report moves the session's page-clock base: a refused too-fast or stale one does not. */
export function movesClientBase(decision: CreditDecision): boolean {
  return !(decision.kind === 'none' && (decision.reason === 'too_fast' || decision.reason === 'stale'))
}
