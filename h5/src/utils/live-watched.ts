/**
 * What the player shows as watched while the video plays (LRN-4): the server's credited seconds plus
 * the playing time it has not acknowledged yet, marked 「待确认」 until it has. The unconfirmed part
 * never exceeds what the server can still credit: only forward playback past the credited point,
 * no faster than the wall clock since the last acknowledgement, never past the chapter's end, and
 * nothing while a 防挂机 question waits or once the chapter is complete.
 */
export interface LiveWatchedInput {
  creditedSeconds: number
  durationSeconds: number
  /** The playhead now. */
  positionSeconds: number
  /** Wall-clock seconds since the server last acknowledged (or since play started after it). */
  secondsSinceAck: number
  playing: boolean
  questionWaiting: boolean
  completed: boolean
}

export interface LiveWatched {
  /** Credited plus unconfirmed: the number shown. */
  shownSeconds: number
  /** The part the server has not acknowledged yet (0: everything shown is credited). */
  pendingSeconds: number
}

export function liveWatched(input: LiveWatchedInput): LiveWatched {
  const credited = Math.min(input.creditedSeconds, input.durationSeconds)
  if (!input.playing || input.questionWaiting || input.completed) return { shownSeconds: credited, pendingSeconds: 0 }
  const ahead = Math.min(input.positionSeconds, input.durationSeconds) - credited
  const pending = Math.floor(Math.max(0, Math.min(ahead, input.secondsSinceAck, input.durationSeconds - credited)))
  return { shownSeconds: credited + pending, pendingSeconds: pending }
}
