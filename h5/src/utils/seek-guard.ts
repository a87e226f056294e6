// The player's own seek lock (LRN-4). The server is authoritative (it credits only real-time
// forward playback and answers rewindTo otherwise); this only stops a learner from dragging the bar
// into unwatched video and then wondering why nothing counted.

/** Seeking this far past the allowed end is still accepted (the bar is hard to hit exactly). */
export const SEEK_TOLERANCE_SECONDS = 1
/**
 * Natural playback may outrun the wall clock a little (timeupdate jitter, a frame decoded early);
 * anything faster than this is a jump, not playback.
 */
const PLAYBACK_RATE_SLACK = 1.25
const PLAYBACK_JITTER_SECONDS = 0.5

/** How far the learner may seek: the furthest point credited or reached by playing in this page. */
export function allowedSeekEnd(input: {
  creditedFurthest: number
  watchedFurthest: number
  durationSeconds: number
  completed: boolean
}): number {
  // A completed chapter may be rewatched freely: nothing more can be earned from it.
  if (input.completed) return input.durationSeconds
  return Math.min(input.durationSeconds, Math.max(input.creditedFurthest, input.watchedFurthest))
}

/** Whether a seek to `target` stays within what has been watched. */
export function isSeekAllowed(target: number, allowedEnd: number): boolean {
  return target <= allowedEnd + SEEK_TOLERANCE_SECONDS
}

export interface WatchState {
  /** The furthest position reached by continuous playback. */
  furthest: number
  /** The position at the previous sample. */
  position: number
  /** Monotonic clock (ms) at the previous sample. */
  atMs: number
}

/**
 * Feeds one timeupdate sample. The furthest watched point only moves with positions reached by
 * playing: a jump ahead of what the wall clock allows (a seek, a sped-up video) does not move it.
 */
export function advanceWatched(state: WatchState, position: number, atMs: number): WatchState {
  const elapsed = Math.max(0, (atMs - state.atMs) / 1000)
  const delta = position - state.position
  const played = delta >= 0 && delta <= elapsed * PLAYBACK_RATE_SLACK + PLAYBACK_JITTER_SECONDS
  return {
    furthest: played ? Math.max(state.furthest, position) : state.furthest,
    position,
    atMs,
  }
}
