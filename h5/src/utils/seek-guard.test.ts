import { describe, expect, it } from 'vitest'
import { advanceWatched, allowedSeekEnd, isSeekAllowed, SEEK_TOLERANCE_SECONDS } from './seek-guard.ts'

describe('allowedSeekEnd', () => {
  it('is the furthest point credited or watched, within the video', () => {
    expect(allowedSeekEnd({ creditedFurthest: 20, watchedFurthest: 26, durationSeconds: 40, completed: false })).toBe(26)
    expect(allowedSeekEnd({ creditedFurthest: 20, watchedFurthest: 5, durationSeconds: 40, completed: false })).toBe(20)
    expect(allowedSeekEnd({ creditedFurthest: 20, watchedFurthest: 55, durationSeconds: 40, completed: false })).toBe(40)
  })

  it('lets a completed chapter be rewatched anywhere', () => {
    expect(allowedSeekEnd({ creditedFurthest: 0, watchedFurthest: 0, durationSeconds: 40, completed: true })).toBe(40)
  })
})

describe('isSeekAllowed', () => {
  it('allows seeking back and a little past the allowed end, not further', () => {
    expect(isSeekAllowed(0, 20)).toBe(true)
    expect(isSeekAllowed(20 + SEEK_TOLERANCE_SECONDS, 20)).toBe(true)
    expect(isSeekAllowed(20 + SEEK_TOLERANCE_SECONDS + 0.1, 20)).toBe(false)
  })
})

describe('advanceWatched', () => {
  const start = { furthest: 10, position: 10, atMs: 0 }

  it('moves the furthest point with real-time playback', () => {
    const a = advanceWatched(start, 10.25, 250)
    const b = advanceWatched(a, 14.25, 4_250)
    expect(b.furthest).toBe(14.25)
  })

  it('does not move it for a jump ahead (a seek) or a sped-up video', () => {
    expect(advanceWatched(start, 30, 250).furthest).toBe(10)
    // 2× speed: 8 s of video in 4 s.
    expect(advanceWatched(start, 18, 4_000).furthest).toBe(10)
  })

  it('does not move it when going back, and measures the next sample from there', () => {
    const back = advanceWatched(start, 2, 100)
    expect(back).toEqual({ furthest: 10, position: 2, atMs: 100 })
    expect(advanceWatched(back, 3, 1_100).furthest).toBe(10)
  })
})
