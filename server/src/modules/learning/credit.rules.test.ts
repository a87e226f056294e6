import { describe, expect, it } from 'vitest'
import { creditBase, decideCredit, type CreditState } from './credit.rules.ts'

const base: CreditState = { furthestMs: 0, durationMs: 600_000, lastClientMs: 0, sessionElapsedMs: 10_000, learnerAvailableMs: 10_000 }

describe('decideCredit', () => {
  it('credits ten seconds of real-time playback', () => {
    expect(decideCredit(base, { positionMs: 10_000, clientElapsedMs: 10_000 })).toMatchObject({ kind: 'credit', creditMs: 10_000, rewindToMs: null })
  })

  it('tolerates a little jitter but gives nothing for 1.25× or faster playback', () => {
    expect(decideCredit({ ...base, learnerAvailableMs: 20_000 }, { positionMs: 10_800, clientElapsedMs: 10_000 }).kind).toBe('credit')
    expect(decideCredit(base, { positionMs: 12_500, clientElapsedMs: 10_000 })).toMatchObject({ kind: 'none', reason: 'too_fast', rewindToMs: 0 })
  })

  it('grants nothing up front: the first report of a session earns at most the server time since it opened', () => {
    // The page claims 1.5 s of playback 40 ms after the session opened.
    const fresh = { ...base, sessionElapsedMs: 40, learnerAvailableMs: 40 }
    expect(decideCredit(fresh, { positionMs: 1_500, clientElapsedMs: 1_500 })).toMatchObject({ kind: 'credit', creditMs: 40, rewindToMs: 40 })
  })

  it('pays every credit from the learner clock, shared by all sessions', () => {
    const spent = { ...base, sessionElapsedMs: 30_000, learnerAvailableMs: 0 }
    expect(decideCredit(spent, { positionMs: 10_000, clientElapsedMs: 10_000 })).toMatchObject({ kind: 'none', reason: 'learner_clock', rewindToMs: 0 })
  })

  it('gives nothing for a seek to the end and sends the player back to the furthest point', () => {
    const state = { ...base, furthestMs: 20_000, lastClientMs: 20_000, sessionElapsedMs: 30_000, learnerAvailableMs: 10_000 }
    expect(decideCredit(state, { positionMs: 600_000, clientElapsedMs: 30_000 })).toMatchObject({ kind: 'none', rewindToMs: 20_000 })
  })

  it('does not believe a page clock that runs ahead of the server', () => {
    // The page claims an hour passed; the server saw ten seconds.
    expect(decideCredit(base, { positionMs: 590_000, clientElapsedMs: 3_600_000 }).kind).toBe('none')
  })

  it('does not bank a long pause: one report earns at most a minute', () => {
    const paused = { ...base, sessionElapsedMs: 3_600_000, learnerAvailableMs: 3_600_000 }
    expect(decideCredit(paused, { positionMs: 300_000, clientElapsedMs: 3_600_000 })).toMatchObject({ kind: 'none', reason: 'too_fast' })
  })

  it('earns nothing twice: positions before the furthest point are rewatching', () => {
    const state = { ...base, furthestMs: 30_000, lastClientMs: 30_000, sessionElapsedMs: 40_000 }
    expect(decideCredit(state, { positionMs: 25_000, clientElapsedMs: 40_000 })).toMatchObject({ kind: 'none', reason: 'rewatch' })
  })

  it('credits reports resent after a short outage, but not time banked longer than the backlog', () => {
    const state = { ...base, furthestMs: 10_000, lastClientMs: 10_000, sessionElapsedMs: 45_000, learnerAvailableMs: 35_000 }
    expect(decideCredit(state, { positionMs: 20_000, clientElapsedMs: 20_000 })).toMatchObject({ kind: 'credit', creditMs: 10_000 })
    const banked = { ...state, sessionElapsedMs: 20 * 60_000 }
    expect(decideCredit(banked, { positionMs: 20_000, clientElapsedMs: 20_000 })).toMatchObject({ kind: 'none', reason: 'stale' })
  })

  it('stops at the end of the video', () => {
    const state = { ...base, durationMs: 60_000, furthestMs: 55_000, lastClientMs: 55_000, sessionElapsedMs: 65_000 }
    expect(decideCredit(state, { positionMs: 65_000, clientElapsedMs: 65_000 })).toMatchObject({ kind: 'credit', creditMs: 5_000 })
  })
})

describe('creditBase', () => {
  it('never lets time before a session opened count for it', () => {
    const opened = new Date('2026-01-01T10:00:00Z')
    expect(creditBase(null, opened)).toBe(opened)
    expect(creditBase(new Date('2026-01-01T09:00:00Z'), opened)).toBe(opened)
    const later = new Date('2026-01-01T10:00:05Z')
    expect(creditBase(later, opened)).toBe(later)
  })
})
