import { describe, expect, it } from 'vitest'
import { liveWatched, type LiveWatchedInput } from './live-watched.ts'

const playing: LiveWatchedInput = {
  creditedSeconds: 0,
  durationSeconds: 40,
  positionSeconds: 8.9,
  secondsSinceAck: 9,
  playing: true,
  questionWaiting: false,
  completed: false,
}

describe('the watched time shown under the player', () => {
  it('moves with the video before the first acknowledgement, marked unconfirmed', () => {
    expect(liveWatched(playing)).toEqual({ shownSeconds: 8, pendingSeconds: 8 })
  })

  it('is all confirmed once the server has credited it', () => {
    expect(liveWatched({ ...playing, creditedSeconds: 10, positionSeconds: 10.2, secondsSinceAck: 0.2 })).toEqual({ shownSeconds: 10, pendingSeconds: 0 })
  })

  it('never runs ahead of the wall clock since the last acknowledgement (a seek the server will refuse)', () => {
    expect(liveWatched({ ...playing, creditedSeconds: 10, positionSeconds: 30, secondsSinceAck: 3 })).toEqual({ shownSeconds: 13, pendingSeconds: 3 })
  })

  it('never passes the end of the chapter', () => {
    expect(liveWatched({ ...playing, creditedSeconds: 38, positionSeconds: 45, secondsSinceAck: 7 })).toEqual({ shownSeconds: 40, pendingSeconds: 2 })
  })

  it('adds nothing while replaying what is already credited, paused, or while a 防挂机 question waits', () => {
    expect(liveWatched({ ...playing, creditedSeconds: 30, positionSeconds: 12 }).pendingSeconds).toBe(0)
    expect(liveWatched({ ...playing, playing: false }).pendingSeconds).toBe(0)
    expect(liveWatched({ ...playing, questionWaiting: true }).pendingSeconds).toBe(0)
    expect(liveWatched({ ...playing, completed: true, creditedSeconds: 40 })).toEqual({ shownSeconds: 40, pendingSeconds: 0 })
  })
})
