/**
 * The crediting rule of LRN-4, as a pure function so every trick of published cheat scripts (4×
 * playback, seeking ahead, forged heartbeats, banked offline time) can be tested without a
 * database. The server, not the page, decides what was watched:
 *
 * - per report, forward progress may not exceed the page's elapsed time since the previous report
 *   plus 10 % (at most 1.5 s): playing faster than 1× earns nothing, a seek ahead earns nothing;
 * - in total, a session never credits more than the wall-clock time the server has seen since it
 *   opened it, and the page's clock may not run ahead of the server's;
 * - reports older than the offline backlog (5 min) earn nothing: time cannot be banked;
 * - credit only moves forward from the furthest credited point, so rewatching earns nothing twice.
 */

export const SLACK_MAX_MS = 1_500
export const SLACK_RATIO = 0.1
/** A page that was offline may resend reports up to this old (LRN-7). */
export const BACKLOG_MS = 5 * 60_000
/** How far the page's monotonic clock may run ahead of the server's before it is clamped. */
export const CLOCK_TOLERANCE_MS = 3_000

export interface CreditState {
  furthestMs: number
  durationMs: number
  /** Page clock at the previous accepted report of this session. */
  lastClientMs: number
  /** Credited so far in this session. */
  sessionCreditedMs: number
  /** Server time since the session was opened. */
  serverElapsedMs: number
}

export interface CreditReport {
  positionMs: number
  clientElapsedMs: number
}

export type CreditDecision =
  | { kind: 'credit'; creditMs: number; clientMs: number; rewindToMs: number | null }
  | { kind: 'none'; reason: 'rewatch' | 'no_progress' | 'stale' | 'too_fast' | 'session_budget'; clientMs: number; rewindToMs: number | null }

export function decideCredit(state: CreditState, report: CreditReport): CreditDecision {
  // The page's clock is believed only as far as the server's own clock allows.
  const clientMs = Math.min(report.clientElapsedMs, state.serverElapsedMs + CLOCK_TOLERANCE_MS)
  const sinceLast = clientMs - state.lastClientMs
  const target = Math.min(Math.max(report.positionMs, 0), state.durationMs)
  const advance = target - state.furthestMs

  if (clientMs < state.serverElapsedMs - BACKLOG_MS) return { kind: 'none', reason: 'stale', clientMs, rewindToMs: null }
  if (advance <= 0) return { kind: 'none', reason: advance < 0 ? 'rewatch' : 'no_progress', clientMs, rewindToMs: null }
  if (sinceLast <= 0) return { kind: 'none', reason: 'too_fast', clientMs, rewindToMs: state.furthestMs }
  const allowed = sinceLast + Math.min(SLACK_MAX_MS, sinceLast * SLACK_RATIO)
  // Faster than real time (a seek ahead, 2× speed, a forged position): nothing, and back to the furthest point.
  if (advance > allowed) return { kind: 'none', reason: 'too_fast', clientMs, rewindToMs: state.furthestMs }
  const budget = state.serverElapsedMs + SLACK_MAX_MS - state.sessionCreditedMs
  if (budget <= 0) return { kind: 'none', reason: 'session_budget', clientMs, rewindToMs: state.furthestMs }
  const creditMs = Math.min(advance, budget)
  return { kind: 'credit', creditMs, clientMs, rewindToMs: creditMs < advance ? state.furthestMs + creditMs : null }
}
