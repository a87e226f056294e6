/**
 * How often a learner may open a playback session (LRN-4). Credit is bounded by the learner's
 * credit clock whatever the number of sessions; this limit keeps session churn from costing the
 * server, and from passing unnoticed. A learner switching chapters or reloading stays far below it.
 */
export const OPEN_WINDOW_MS = 60_000
export const MAX_OPENS_PER_WINDOW = 12

export function mayOpenSession(opensInWindow: number): boolean {
  return opensInWindow < MAX_OPENS_PER_WINDOW
}
